/* Version and product strings shared by jiefang.rc and jiefangctl.rc.
   Keep in step with FyneApp.toml (Version / Build). */
#define JF_VER_MAJOR 0
#define JF_VER_MINOR 1
#define JF_VER_PATCH 0
#define JF_VER_BUILD 0
#define JF_VER_STR   "0.1.0.0"
#define JF_COMPANY   "接访台 Jiefang Desk"
#define JF_PRODUCT   "接访台 Jiefang Desk"
#define JF_COPYRIGHT "© 2025 接访台 Jiefang Desk"
