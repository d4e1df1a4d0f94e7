/*
 * Test scaffolding for .ci/wine/smoke.sh only: never shipped, never in dist/.
 *
 * Go >= 1.22 Windows binaries take their random bytes from ProcessPrng in
 * bcryptprimitives.dll. Debian 12's wine 8.0 has no such DLL, so the runtime
 * dies at start. This stand-in exports ProcessPrng on top of BCryptGenRandom
 * (which wine has) and is copied into the test prefix's system32.
 */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    /* BCryptGenRandom takes a ULONG length: feed it in chunks. */
    while (len > 0) {
        ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE; /* the real ProcessPrng always returns TRUE */
}
