<#
.SYNOPSIS
  Installs postroom as a Windows service with WinSW v2.
.DESCRIPTION
  Copies postroom to -InstallDir, installs its npm dependencies, puts example configuration in
  -DataDir (kept if present), generates the WinSW XML with `postroom winsw-xml` and registers the
  service. WinSW sends Ctrl+C on stop; postroom then finishes the jobs in hand within its
  shutdownTimeoutSeconds, and WinSW waits -StopTimeoutSeconds before it kills the process.
  WinSW itself is not downloaded: pass the WinSW-x64.exe you obtained (v2.12 or newer).
.EXAMPLE
  .\install.ps1 -WinSW C:\Downloads\WinSW-x64.exe
#>
param(
  [Parameter(Mandatory = $true)][string]$WinSW,
  [string]$InstallDir = "$env:ProgramFiles\postroom",
  [string]$DataDir = "$env:ProgramData\postroom",
  [string]$Node = (Get-Command node.exe -ErrorAction Stop).Source,
  [int]$StopTimeoutSeconds = 45
)
$ErrorActionPreference = 'Stop'
$source = Resolve-Path (Join-Path $PSScriptRoot '..\..')

if (-not (Test-Path $WinSW)) { throw "WinSW executable not found: $WinSW" }
New-Item -ItemType Directory -Force -Path $InstallDir, $DataDir, "$DataDir\sources", "$DataDir\examples", "$DataDir\logs" | Out-Null

foreach ($part in 'bin', 'src', 'workers', 'package.json', 'package-lock.json', 'README.md', 'CHANGELOG.md') {
  $target = Join-Path $InstallDir $part
  if (Test-Path $target) { Remove-Item -Recurse -Force $target }
  Copy-Item -Recurse (Join-Path $source $part) $target
}
Push-Location $InstallDir
try { & npm ci --omit=dev --no-audit --no-fund; if ($LASTEXITCODE -ne 0) { throw 'npm ci failed' } } finally { Pop-Location }

Copy-Item (Join-Path $source 'config\examples\*.yaml') "$DataDir\examples" -Force
$config = Join-Path $DataDir 'postroom.yaml'
if (-not (Test-Path $config)) {
  (Get-Content (Join-Path $source 'service-install\linux\postroom.yaml') -Raw).
    Replace('/var/lib/postroom/spool', "$DataDir\spool").
    Replace('/var/lib/postroom/documents', "$DataDir\documents").
    Replace('/var/lib/postroom', $DataDir) | Set-Content -Encoding UTF8 $config
  Write-Host "wrote $config"
}
# Only administrators and SYSTEM may read the configuration folder (secret files live there).
icacls $DataDir /inheritance:r /grant:r 'Administrators:(OI)(CI)F' 'SYSTEM:(OI)(CI)F' | Out-Null

$exe = Join-Path $InstallDir 'postroom-service.exe'
Copy-Item $WinSW $exe -Force
& $Node (Join-Path $InstallDir 'bin\postroom.js') --config $config winsw-xml `
  --install-dir $InstallDir --data-dir $DataDir --log-dir "$DataDir\logs" --node $Node --stop-timeout $StopTimeoutSeconds |
  Set-Content -Encoding UTF8 (Join-Path $InstallDir 'postroom-service.xml')
if ($LASTEXITCODE -ne 0) { throw 'could not generate the WinSW configuration' }

& $exe install
if ($LASTEXITCODE -ne 0) { throw 'WinSW could not install the service' }
Write-Host "postroom is installed. Add a source to $DataDir\sources, check it with"
Write-Host "  node `"$InstallDir\bin\postroom.js`" --config `"$config`" validate"
Write-Host "then start it: Start-Service postroom"
