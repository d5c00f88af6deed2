// The lint rule that holds DESIGN.md's arrows (scripts/eslint-module-boundaries.js), run through
// the project's own ESLint config as `npm test` runs it: an import against an arrow fails.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

/** The module-boundaries messages ESLint gives for `source` as if it were saved at `file`. */
async function boundaryErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: file });
  return result!.messages
    .filter((message) => message.ruleId === 'salon/module-boundaries')
    .map((message) => message.message);
}

describe('module boundaries', () => {
  it('fails an import going against the arrows, static, dynamic or re-exported', async () => {
    expect(
      await boundaryErrors(
        'src/store/probe.ts',
        "import { postMessage } from '../chat/post-message.js';\nexport { postMessage };\n",
      ),
    ).toEqual(["module 'store' may not import 'chat' (see DESIGN.md)"]);
    expect(
      await boundaryErrors('src/gateway/probe.ts', "export * from '../chat/messages.js';\n"),
    ).toEqual(["module 'gateway' may not import 'chat' (see DESIGN.md)"]);
    expect(
      await boundaryErrors(
        'src/engine/probe.ts',
        "export const load = () => import('../gateway/gateway.js');\n",
      ),
    ).toEqual(["module 'engine' may not import 'gateway' (see DESIGN.md)"]);
    expect(
      await boundaryErrors(
        'src/gateway/providers/probe.ts',
        "export { Gateway } from '../gateway.js';\n",
      ),
    ).toEqual(["module 'providers' may not import 'gateway' (see DESIGN.md)"]);
  });

  it('lets imports follow the arrows', async () => {
    const source = [
      "import { openDatabase } from '../store/create-database.js';",
      "import { Gateway } from '../gateway/gateway.js';",
      "import { badRequest } from '../lib/errors.js';",
      'export { openDatabase, Gateway, badRequest };',
      '',
    ].join('\n');
    expect(await boundaryErrors('src/chat/probe.ts', source)).toEqual([]);
    expect(
      await boundaryErrors('src/cli/probe.ts', "export { serve } from '../server/serve.js';\n"),
    ).toEqual([]);
  });
});
