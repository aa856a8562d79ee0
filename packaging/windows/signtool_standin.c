/* signtool.exe for Inno Setup's SignTool under Wine, used only by packaging/check_windows_installer.py.
 * Inno Setup waits for the sign tool's process; Wine can start a Linux program from a Windows one
 * but gives no process handle to wait on. So this Windows program starts signtool_standin.sh
 * (next to it) with "--done MARKER" and its own arguments, waits for the script to write its exit
 * status into MARKER, and exits with that status. */
#include <windows.h>
#include <stdio.h>
#include <wchar.h>

int wmain(void) {
    wchar_t dir[MAX_PATH], marker[MAX_PATH], *cmd;
    DWORD n = GetModuleFileNameW(NULL, dir, MAX_PATH);
    wchar_t *slash = n ? wcsrchr(dir, L'\\') : NULL;
    if (!slash || n > MAX_PATH - 64)
        return 90;
    slash[1] = 0;
    swprintf(marker, MAX_PATH, L"%lssign-%lu-%lu.done", dir, GetCurrentProcessId(), GetTickCount());

    /* our arguments, as received: everything after the program name */
    wchar_t *line = GetCommandLineW(), *args = line;
    if (*args == L'"') {
        args = wcschr(args + 1, L'"');
        args = args ? args + 1 : line + wcslen(line);
    } else {
        while (*args && *args != L' ' && *args != L'\t')
            args++;
    }
    size_t size = wcslen(dir) + wcslen(marker) + wcslen(args) + 64;
    cmd = HeapAlloc(GetProcessHeap(), 0, size * sizeof(wchar_t));
    if (!cmd)
        return 91;
    swprintf(cmd, size, L"\"%lssigntool_standin.sh\" --done \"%ls\"%ls", dir, marker, args);

    STARTUPINFOW si = {sizeof si};
    PROCESS_INFORMATION pi;
    if (!CreateProcessW(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        fwprintf(stderr, L"cannot start %ls: %lu\n", cmd, GetLastError());
        return 92;
    }
    for (int i = 0; i < 1200; i++) { /* two minutes */
        FILE *f = _wfopen(marker, L"r");
        if (f) {
            int status = 93;
            Sleep(50); /* the script writes then closes: let it finish */
            if (fscanf(f, "%d", &status) != 1)
                status = 94;
            fclose(f);
            DeleteFileW(marker);
            return status;
        }
        Sleep(100);
    }
    fwprintf(stderr, L"signtool_standin.sh did not finish\n");
    return 95;
}
