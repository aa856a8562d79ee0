; Inno Setup script for Aurora Console (Inno Setup 6.3 or later).
;
; Built by packaging/build.py on Windows:
;   iscc /DAppVersion=0.1.0 /DSourceDir=dist\aurora-console /DOutputDir=dist
;        /DIconFile=build\pyinstaller\aurora-console\icons\aurora-console.ico packaging\windows\aurora-console.iss
; With WINDOWS_SIGN_CERT set, build.py also passes /DSignInstaller and defines the sign tool
; "aurorasign" with /S (signtool.exe), so Setup and the uninstaller are signed by the compiler.
;
; Checked against the Inno Setup documentation (jrsoftware.org/ishelp):
; * PrivilegesRequired=lowest: Setup never asks for elevation and always installs in
;   non-administrative mode; {autopf} then means {userpf} (%LOCALAPPDATA%\Programs) and
;   {autoprograms} the user's Start menu. PrivilegesRequiredOverridesAllowed=dialog lets an
;   administrator choose an all-users install instead (also /ALLUSERS on the command line).
; * SignTool=<name>: the name and command come from the compiler's /S option; $f is the quoted
;   file to sign. Inno signs Setup and the uninstaller itself (its self-copies stay signed).
; * ArchitecturesAllowed / ArchitecturesInstallIn64BitMode=x64compatible (Inno Setup 6.3+).
; * The uninstaller is generated (Uninstallable=yes is the default) and listed in
;   Settings > Apps; user data (settings, logs, sandbox) live in %LOCALAPPDATA%\aurora-console
;   and are kept on uninstall.
; * [InstallDelete] empties {app}\_internal before an upgrade copies the new one.
;
; Compiled, installed, upgraded and uninstalled for real under Wine by
; packaging/check_windows_installer.py (tests/packaging/test_windows_installer.py); see
; docs/packaging.md for what that run proves and what only a Windows machine can.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (packaging/build.py does)
#endif
#ifndef AppVersionInfo
  ; four numbers for the version resource of Setup (build.py passes it for versions like 1.2.0rc1)
  #define AppVersionInfo AppVersion
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\aurora-console"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\pyinstaller\aurora-console\icons\aurora-console.ico"
#endif

#define AppName "Aurora Console"
#define AppExe "aurora-console.exe"

[Setup]
; a fixed id: upgrades replace the previous install instead of adding a second one
AppId={{6793CD5A-EFF0-484C-BBA5-9331CE5858EE}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Aurora Console contributors
AppCopyright=MIT licence, Aurora Console contributors
VersionInfoVersion={#AppVersionInfo}
#ifdef WineUserProgramFiles
; packaging/check_windows_installer.py only, when Wine cannot resolve {userpf} (Wine 8 does not
; implement FOLDERID_UserProgramFiles): the folder Windows gives for it, %LOCALAPPDATA%\Programs
DefaultDirName={localappdata}\Programs\{#AppName}
#else
DefaultDirName={autopf}\{#AppName}
#endif
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
; Qt 6 (PySide6) supports Windows 10 1809 (build 17763) or later; Inno's default is Windows 7 SP1
MinVersion=10.0.17763
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=aurora-console-{#AppVersion}-windows-x64-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
#ifdef SignInstaller
SignTool=aurorasign
SignedUninstaller=yes
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; an upgrade replaces PyInstaller's _internal folder whole: a library left over from the previous
; version (a Qt plugin, a .pyd) would otherwise stay next to the new ones and could be loaded
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autoprograms}\{#AppName} (sandbox)"; Filename: "{app}\{#AppExe}"; Parameters: "--sandbox"; Comment: "Try the console on a local sandbox (no AWS account needed)"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

