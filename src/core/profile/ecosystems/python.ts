import { DetectContext, fromRepo } from '../context';
import { iniSections, lineOf, type IniSection } from '../text';

const REQUIREMENTS = ['requirements.txt', 'requirements-dev.txt', 'requirements_dev.txt', 'dev-requirements.txt', 'test-requirements.txt', 'requirements-test.txt', 'requirements/dev.txt', 'requirements/test.txt'];

/** Files the Python reader wants to read (root only). */
export const PYTHON_FILES = ['pyproject.toml', 'setup.cfg', 'tox.ini', 'pytest.ini', 'Pipfile', ...REQUIREMENTS];

function section(sections: IniSection[], name: string): IniSection | undefined {
  return sections.find((s) => s.name === name);
}

/**
 * Python: pyproject.toml (poetry, pdm, hatch, uv, setuptools; [tool.pytest], [tool.ruff],
 * [tool.mypy]), setup.cfg ([tool:pytest], [flake8]), tox.ini, pytest.ini, requirements files,
 * Pipfile. The runner prefix (`poetry run`, `uv run`...) follows the lockfile found.
 */
export function detectPython(ctx: DetectContext): void {
  const present = PYTHON_FILES.filter((f) => ctx.has(f));
  const setupPy = ctx.has('setup.py');
  if (!present.length && !setupPy) return;
  for (const f of present) ctx.manifest('python', f);
  if (setupPy) ctx.manifest('python', 'setup.py');

  const py = iniSections(ctx.text('pyproject.toml') ?? '');
  const cfg = iniSections(ctx.text('setup.cfg') ?? '');
  const tox = iniSections(ctx.text('tox.ini') ?? '');
  const pyText = ctx.text('pyproject.toml') ?? '';

  // Environment manager, from its lockfile or pyproject section.
  let prefix: string[] = [];
  let setup: { argv: string[]; file: string; note: string } | undefined;
  if (ctx.has('uv.lock')) {
    prefix = ['uv', 'run'];
    setup = { argv: ['uv', 'sync', '--locked'], file: 'uv.lock', note: 'uv: install what uv.lock pins' };
  } else if (ctx.has('poetry.lock') || section(py, 'tool.poetry')) {
    prefix = ['poetry', 'run'];
    setup = { argv: ['poetry', 'install'], file: ctx.has('poetry.lock') ? 'poetry.lock' : 'pyproject.toml', note: 'Poetry: install' };
  } else if (ctx.has('pdm.lock')) {
    prefix = ['pdm', 'run'];
    setup = { argv: ['pdm', 'install'], file: 'pdm.lock', note: 'PDM: install what pdm.lock pins' };
  } else if (ctx.has('Pipfile')) {
    prefix = ['pipenv', 'run'];
    setup = { argv: ['pipenv', 'install', '--dev'], file: 'Pipfile', note: 'Pipenv: install with dev packages' };
  }
  if (setup) ctx.command('setup', 'python', setup.argv, fromRepo(setup.file, undefined, setup.note));
  else {
    for (const r of REQUIREMENTS.filter((f) => ctx.has(f)))
      ctx.command('setup', 'python', ['python', '-m', 'pip', 'install', '-r', r], fromRepo(r, undefined, `pip: install ${r}`));
    if (section(py, 'project') || section(py, 'build-system') || setupPy) {
      const extras = [...pyText.matchAll(/^\s*(test|tests|testing|dev)\s*=\s*\[/gm)].map((m) => m[1]!);
      const target = extras.length ? `.[${extras[0]}]` : '.';
      ctx.command('setup', 'python', ['python', '-m', 'pip', 'install', '-e', target], fromRepo(setupPy && !ctx.has('pyproject.toml') ? 'setup.py' : 'pyproject.toml', undefined, `pip: editable install${extras.length ? ` with the "${extras[0]}" extra` : ''}`));
    }
  }

  const nameKey = section(py, 'project')?.keys.get('name') ?? section(py, 'tool.poetry')?.keys.get('name') ?? section(cfg, 'metadata')?.keys.get('name');
  const name = nameKey?.value.replace(/["']/g, '').trim();
  if (name) {
    const mod = name.replace(/-/g, '_').toLowerCase();
    const entry = [`src/${mod}/__init__.py`, `${mod}/__init__.py`, `${mod}.py`].find((f) => ctx.has(f));
    ctx.packages.push({ name, ecosystem: 'python', manifest: section(py, 'project') || section(py, 'tool.poetry') ? 'pyproject.toml' : 'setup.cfg', ...(entry ? { entry } : {}) });
  }

  const run = (argv: string[]) => (prefix.length ? [...prefix, ...argv] : ['python', '-m', ...argv]);
  // pytest: configured in any of its config homes, or required.
  const pytestCfg: [string, number | undefined] | undefined = (() => {
    const s = section(py, 'tool.pytest.ini_options');
    if (s) return ['pyproject.toml', s.line];
    if (ctx.has('pytest.ini')) return ['pytest.ini', 1];
    const c = section(cfg, 'tool:pytest');
    if (c) return ['setup.cfg', c.line];
    const t = section(tox, 'pytest');
    if (t) return ['tox.ini', t.line];
    if (ctx.has('conftest.py')) return ['conftest.py', undefined];
    const req = REQUIREMENTS.find((r) => /^\s*pytest\b/m.test(ctx.text(r) ?? ''));
    if (req) return [req, lineOf(ctx.text(req)!, /^\s*pytest\b/m)];
    const pl = lineOf(pyText, /["']pytest\b/);
    if (pl) return ['pyproject.toml', pl];
    return undefined;
  })();
  if (pytestCfg) ctx.command('test', 'python', prefix.length ? [...prefix, 'pytest'] : ['python', '-m', 'pytest'], fromRepo(pytestCfg[0], pytestCfg[1], 'pytest configured'));
  const envlist = section(tox, 'tox')?.keys.get('envlist');
  if (ctx.has('tox.ini') && section(tox, 'tox')) ctx.command('test', 'python', ['tox'], fromRepo('tox.ini', envlist?.line ?? section(tox, 'tox')!.line, `tox${envlist ? ` envlist: ${envlist.value.replace(/\n/g, ' ')}` : ''}`));
  if (!pytestCfg && !section(tox, 'tox')) {
    const testFile = ctx.matching(/^test_.*\.py$|_test\.py$/)[0];
    if (testFile) ctx.command('test', 'python', run(['unittest', 'discover']), fromRepo(testFile, undefined, 'unittest: test modules found, no pytest configuration'));
  }

  // Linters and type checkers, each where it is configured.
  const ruff = section(py, 'tool.ruff') ? ['pyproject.toml', section(py, 'tool.ruff')!.line] as const : ['ruff.toml', '.ruff.toml'].filter((f) => ctx.has(f)).map((f) => [f, undefined] as const)[0];
  if (ruff) ctx.command('lint', 'python', prefix.length ? [...prefix, 'ruff', 'check', '.'] : ['ruff', 'check', '.'], fromRepo(ruff[0], ruff[1], 'Ruff configured'));
  const flake8 = ctx.has('.flake8') ? (['.flake8', undefined] as const) : section(cfg, 'flake8') ? (['setup.cfg', section(cfg, 'flake8')!.line] as const) : section(tox, 'flake8') ? (['tox.ini', section(tox, 'flake8')!.line] as const) : undefined;
  if (flake8) ctx.command('lint', 'python', run(['flake8']), fromRepo(flake8[0], flake8[1], 'flake8 configured'));
  const mypy = section(py, 'tool.mypy') ? (['pyproject.toml', section(py, 'tool.mypy')!.line] as const) : ctx.has('mypy.ini') ? (['mypy.ini', undefined] as const) : section(cfg, 'mypy') ? (['setup.cfg', section(cfg, 'mypy')!.line] as const) : undefined;
  if (mypy) ctx.command('lint', 'python', run(['mypy', '.']), fromRepo(mypy[0], mypy[1], 'mypy configured'));
  const buildSys = section(py, 'build-system');
  if (buildSys) ctx.command('build', 'python', ['python', '-m', 'build'], fromRepo('pyproject.toml', buildSys.line, 'PEP 517 build backend declared'));
}
