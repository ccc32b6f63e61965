<#
.SYNOPSIS
  Stops and removes the postroom Windows service and its code. Configuration, secrets and data
  in -DataDir stay unless -Purge is given.
#>
param(
  [string]$InstallDir = "$env:ProgramFiles\postroom",
  [string]$DataDir = "$env:ProgramData\postroom",
  [switch]$Purge
)
$ErrorActionPreference = 'Stop'
$exe = Join-Path $InstallDir 'postroom-service.exe'
if (Test-Path $exe) {
  & $exe stop
  & $exe uninstall
}
if (Test-Path $InstallDir) { Remove-Item -Recurse -Force $InstallDir }
Write-Host "removed the postroom service and $InstallDir"
if ($Purge) {
  Remove-Item -Recurse -Force $DataDir -ErrorAction SilentlyContinue
  Write-Host "purged $DataDir"
} else {
  Write-Host "kept $DataDir (use -Purge to remove it)"
}
