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
VersionInfoVersion={#AppVersionInfo}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
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

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autoprograms}\{#AppName} (sandbox)"; Filename: "{app}\{#AppExe}"; Parameters: "--sandbox"; Comment: "Try the console on a local sandbox (no AWS account needed)"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

