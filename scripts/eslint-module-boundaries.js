// An ESLint rule that fails an import going against DESIGN.md's arrows:
// cli → server → features (chat, evals, governance, identity) → gateway → providers → engine,
// with store, bus, config and lib below everything.
import path from 'node:path';

/** Which modules each module may import (besides itself). */
export const allowedImports = {
  lib: [],
  config: ['lib'],
  store: ['lib'],
  bus: ['lib'],
  engine: ['lib'],
  providers: ['engine', 'config', 'lib'],
  gateway: ['providers', 'store', 'bus', 'config', 'lib'],
  identity: ['gateway', 'store', 'bus', 'config', 'lib'],
  governance: ['identity', 'gateway', 'store', 'bus', 'config', 'lib'],
  chat: ['identity', 'governance', 'gateway', 'store', 'bus', 'config', 'lib'],
  evals: ['identity', 'governance', 'gateway', 'store', 'bus', 'config', 'lib'],
  // The server is the composition root: it hands the engine's loader to the gateway and runs pulls.
  server: [
    'chat',
    'evals',
    'identity',
    'governance',
    'gateway',
    'engine',
    'store',
    'bus',
    'config',
    'lib',
  ],
};
allowedImports.cli = ['server', ...allowedImports.server];

/** The module a file under src/ belongs to, or undefined outside src/. */
export function moduleOf(file) {
  const parts = path.relative(path.resolve('src'), path.resolve(file)).split(path.sep);
  if (parts[0] === '..' || parts.length < 2) return undefined;
  if (parts[0] === 'gateway' && parts[1] === 'providers' && parts.length > 2) return 'providers';
  return parts[0];
}

/** @type {import('eslint').Rule.RuleModule} */
export const moduleBoundaries = {
  meta: { type: 'problem', docs: { description: 'imports follow the module arrows of DESIGN.md' } },
  create(context) {
    const from = moduleOf(context.filename);
    if (!from) return {};
    const check = (node) => {
      const specifier = node.source?.value;
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const to = moduleOf(path.resolve(path.dirname(context.filename), specifier));
      if (!to || to === from) return;
      if (!(allowedImports[from] ?? []).includes(to)) {
        context.report({
          node,
          message: `module '${from}' may not import '${to}' (see DESIGN.md)`,
        });
      }
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};
