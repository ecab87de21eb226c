/*
 * bcryptprimitives.dll for the Wine test harness (scripts/test-windows.sh).
 *
 * Go 1.22 and later fetch random bytes through ProcessPrng, exported by
 * Windows 10's bcryptprimitives.dll, and refuse to start without it. Wine 8
 * (Debian 12) ships no such DLL. This one exports ProcessPrng and fills the
 * buffer from advapi32's RtlGenRandom (SystemFunction036), which Wine backs
 * with the host's random source. It is built with mingw-w64 and copied into
 * the harness's private Wine prefix only; it is never part of a package.
 */
#include <windows.h>

/* RtlGenRandom takes a ULONG length, so large requests go in slices. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
	(void)inst; (void)reason; (void)reserved;
	return TRUE;
}
