/* A stand-in for the frozen aurora-console.exe, used only by packaging/check_windows_installer.py
 * to exercise the Inno Setup installer under Wine (there is no PyInstaller Windows build on Linux).
 * Prints its version and arguments, and appends the same line to the file named by
 * AURORA_STUB_OUT when set, so a Start menu shortcut can be launched and its target and
 * arguments checked. */
#include <stdio.h>
#include <stdlib.h>

#ifndef STUB_VERSION
#define STUB_VERSION "0.0.0"
#endif

static void report(FILE *f, int argc, char **argv) {
    fprintf(f, "aurora-console stub %s", STUB_VERSION);
    for (int i = 1; i < argc; i++)
        fprintf(f, " [%s]", argv[i]);
    fprintf(f, "\n");
}

int main(int argc, char **argv) {
    report(stdout, argc, argv);
    const char *out = getenv("AURORA_STUB_OUT");
    if (out && *out) {
        FILE *f = fopen(out, "a");
        if (!f)
            return 3;
        report(f, argc, argv);
        fclose(f);
    }
    return 0;
}
