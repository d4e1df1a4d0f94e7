/* Product strings shared by jiefang.rc and jiefangctl.rc.
   The version numbers (JF_VER_MAJOR, _MINOR, _PATCH, _BUILD, JF_VER_STR)
   come from FyneApp.toml's Version and Build: packaging/windows.mk writes
   them to version-number.h in its build folder (dist/obj/windows), which
   windres finds through -I. Nothing here holds a version number. */
#include "version-number.h"
#define JF_COMPANY   "接访台 Jiefang Desk"
#define JF_PRODUCT   "接访台 Jiefang Desk"
#define JF_COPYRIGHT "© 2025 接访台 Jiefang Desk"
