/* Test harness only, never shipped: Wine 8 lacks ProcessPrng in
 * bcryptprimitives.dll, which Go's Windows runtime (since Go 1.22) needs
 * at start. This DLL supplies it with RtlGenRandom (advapi32's
 * SystemFunction036). scripts/windows-check.sh builds it with mingw and
 * copies it into the Wine prefix's system32. Real Windows (10 and later)
 * has its own bcryptprimitives.dll. */
#include <windows.h>

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
