import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';

function sh(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }).trim();
  } catch {
    return null;
  }
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  gnuTime: boolean;
  tapBookings: { version: string; commit: string | null; dirty: boolean | null };
}

export function machineInfo(root: string, gnuTime: boolean): MachineInfo {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpuModel = m[1]!.trim();
  } catch {
    /* not Linux */
  }
  const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string };
  const status = sh('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no']);
  return {
    cpuModel,
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    gnuTime,
    tapBookings: { version: pkg.version, commit: sh('git', ['-C', root, 'rev-parse', '--short', 'HEAD']), dirty: status === null ? null : status !== '' },
  };
}

/** Python and package versions of one virtual environment, or null when it is not installed. */
export function venvInfo(venvs: string, venv: string, packages: string[]): { python: string; packages: Record<string, string | null> } | null {
  const py = `${venvs}/${venv}/bin/python`;
  if (!existsSync(py)) return null;
  const code = `import json, platform, importlib.metadata as m
def v(p):
    try: return m.version(p)
    except Exception: return None
print(json.dumps({"python": platform.python_version(), "packages": {p: v(p) for p in ${JSON.stringify(packages)}}}))`;
  const out = sh(py, ['-c', code]);
  return out ? (JSON.parse(out) as { python: string; packages: Record<string, string | null> }) : null;
}
