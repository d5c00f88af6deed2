// Makes a fresh checkout runnable: installs npm packages when the lock file changed, then
// compiles the TypeScript and builds the web UI when its sources changed. Runs before `npm start`
// and `npm test`, so both work on a new machine.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';

const run = (command, args) => execFileSync(command, args, { stdio: 'inherit' });
const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);
/** The newest modification time of the files under dir, skipping build output and caches. */
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const file = `${dir}/${entry.name}`;
    if (file === 'web/dist' || entry.name === 'node_modules') return latest;
    return Math.max(latest, entry.isDirectory() ? newest(file) : mtime(file));
  }, 0);

const installed = 'node_modules/.package-lock.json';
if (!existsSync(installed) || mtime('package-lock.json') > mtime(installed)) {
  console.error('salon: installing npm packages…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
const webSources = Math.max(newest('web'), mtime('package-lock.json'));
if (webSources > mtime('web/dist/index.html')) {
  console.error('salon: building the web UI…');
  run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', 'web', '--logLevel', 'warn']);
  run(process.execPath, ['scripts/precompress-web.mjs']);
}
