/*
 * Test scaffolding for .ci/wine/smoke.sh only: never shipped, never in dist/.
 *
 * winstate.exe minimize TITLE   minimises the visible top-level window whose
 *                               title starts with TITLE
 * winstate.exe iconic TITLE     exits 0 if that window is minimised, 3 if not
 *
 * Exit 2: no such window. With no window manager under Xvfb nothing else can
 * minimise a wine window; this lets the smoke test check that a second launch
 * of the desk brings a minimised first window back (restoreWindow in
 * instance_windows.go).
 */
#include <windows.h>
#include <wchar.h>

struct find {
	const wchar_t *prefix;
	HWND hwnd;
};

static BOOL CALLBACK match(HWND hwnd, LPARAM lp)
{
	struct find *f = (struct find *)lp;
	wchar_t title[256];
	size_t n = wcslen(f->prefix);

	if (!IsWindowVisible(hwnd) && !IsIconic(hwnd))
		return TRUE;
	if (GetWindowTextW(hwnd, title, 256) <= 0)
		return TRUE;
	if (wcsncmp(title, f->prefix, n) != 0)
		return TRUE;
	f->hwnd = hwnd;
	return FALSE;
}

int wmain(int argc, wchar_t **argv)
{
	struct find f = {0};

	if (argc != 3)
		return 64;
	f.prefix = argv[2];
	EnumWindows(match, (LPARAM)&f);
	if (!f.hwnd)
		return 2;
	if (wcscmp(argv[1], L"minimize") == 0) {
		ShowWindow(f.hwnd, SW_MINIMIZE);
		return IsIconic(f.hwnd) ? 0 : 1;
	}
	if (wcscmp(argv[1], L"iconic") == 0)
		return IsIconic(f.hwnd) ? 0 : 3;
	return 64;
}
