/* set_version_resource.exe EXE RAW: writes RAW (a VS_VERSIONINFO block, PyInstaller's
 * VSVersionInfo.toRaw()) into EXE as its RT_VERSION resource #1, with the same Win32 calls
 * PyInstaller's versioninfo.write_version_info_to_executable makes on Windows
 * (BeginUpdateResource / UpdateResource / EndUpdateResource, neutral language).
 * Built with MinGW and run under Wine by packaging/check_windows_installer.py. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

int wmain(int argc, wchar_t **argv) {
    if (argc != 3) {
        fwprintf(stderr, L"usage: set_version_resource EXE RAW\n");
        return 2;
    }
    FILE *f = _wfopen(argv[2], L"rb");
    if (!f) { fwprintf(stderr, L"cannot open %ls\n", argv[2]); return 1; }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *data = malloc(size);
    if (!data || fread(data, 1, size, f) != (size_t)size) { fclose(f); return 1; }
    fclose(f);
    HANDLE h = BeginUpdateResourceW(argv[1], FALSE);
    if (!h) { fwprintf(stderr, L"BeginUpdateResource failed: %lu\n", GetLastError()); return 1; }
    if (!UpdateResourceW(h, RT_VERSION, MAKEINTRESOURCEW(1), MAKELANGID(LANG_NEUTRAL, SUBLANG_NEUTRAL), data, (DWORD)size)) {
        fwprintf(stderr, L"UpdateResource failed: %lu\n", GetLastError());
        EndUpdateResourceW(h, TRUE);
        return 1;
    }
    if (!EndUpdateResourceW(h, FALSE)) { fwprintf(stderr, L"EndUpdateResource failed: %lu\n", GetLastError()); return 1; }
    printf("version resource written: %ld bytes\n", size);
    return 0;
}
