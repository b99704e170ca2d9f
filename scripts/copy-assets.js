// Copies non-TypeScript sources that services and packages read at run time (Redis Lua scripts)
// into dist/.
import { cpSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.lua')) {
      const target = join(dir.replace(/\/src(\/|$)/, '/dist$1'), name);
      mkdirSync(dirname(target), { recursive: true });
      cpSync(path, target);
    }
  }
}
for (const [folder, name] of ['services', 'packages'].flatMap((f) => readdirSync(join(root, f)).map((n) => [f, n]))) {
  const src = join(root, folder, name, 'src');
  try {
    walk(src);
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
}
console.log(`assets copied (${relative(process.cwd(), root) || '.'})`);
