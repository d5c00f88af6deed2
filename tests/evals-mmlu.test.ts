// The MMLU harness end to end through the gateway: a scripted fake upstream whose answers are
// known (exact micro and macro accuracy, on every store dialect), each scoring method, resuming
// an interrupted run, bad input; and the real engine on the tiny model through its logprobs.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emptyConfig, type SalonConfig } from '../src/config/schema.js';
import { listMmluAnswers, listMmluRuns, runMmlu } from '../src/evals/index.js';
import { loadQuestions, type MmluQuestion } from '../src/evals/mmlu/load-mmlu.js';
import { buildPrompt } from '../src/evals/mmlu/prompt.js';
import { loadModel } from '../src/engine/llama-engine.js';
import { Gateway } from '../src/gateway/gateway.js';
import { buildCatalog } from '../src/gateway/model-catalog.js';
import { isSalonError } from '../src/lib/errors.js';
import type { Store } from '../src/store/create-database.js';
import {
  startFakeOpenAI,
  type FakeBehaviour,
  type FakeEndpoint,
  type FakeUpstream,
} from './helpers/fake-openai.js';
import { canRun, hasTinyModel, sharedDir, tinyModelPath } from './helpers/shared-files.js';
import { openTestStore, storeTargets } from './helpers/stores.js';

const dataDir = path.join(sharedDir, 'data', 'mmlu');
const hasData = canRun(
  'MMLU harness',
  existsSync(path.join(dataDir, 'test')),
  `${dataDir} not found (set SALON_SHARED_DIR)`,
);
const targets = await storeTargets('MMLU harness store');
const noEngine = {
  loadModel: () => Promise.reject(new Error('the engine is not used here')),
};

/** The scripted model gets the first `rightFirst` questions of each subject right, the rest wrong. */
const rightFirst: Record<string, number> = { abstract_algebra: 70, anatomy: 27 };
// Of 100 and 135 test questions: micro 97/235, macro (0.7 + 0.2) / 2.
const expectedMicro = 97 / 235;
const expectedMacro = (0.7 + 0.2) / 2;

const upstreams: FakeUpstream[] = [];
afterEach(async () => {
  await Promise.all(upstreams.splice(0).map((upstream) => upstream.close()));
});

/** Question text → the letter the scripted model gives. */
async function scriptedAnswers(): Promise<Map<string, string>> {
  const answers = new Map<string, string>();
  for (const subject of Object.keys(rightFirst)) {
    const questions = await loadQuestions(dataDir, subject, 'test');
    for (const question of questions) answers.set(question.question.trim(), letterFor(question));
  }
  return answers;
}

function letterFor(question: MmluQuestion): string {
  if (question.index < rightFirst[question.subject]!) return question.answer;
  return 'ABCD'['ABCD'.indexOf(question.answer) + 1] ?? 'A'; // another letter: wrong
}

/** The question a prompt ends with (after the last blank line, before its choices). */
function askedQuestion(prompt: string): string {
  const last = prompt.slice(prompt.lastIndexOf('\n\n') + 2);
  return last.slice(0, last.indexOf('\nA. '));
}

function promptOf(body: Record<string, unknown>, endpoint: FakeEndpoint): string {
  if (endpoint === 'completion') return String(body.prompt);
  const messages = body.messages as Array<{ content: string }>;
  return messages[0]!.content;
}

type Style = 'completion-logprobs' | 'chat-logprobs' | 'generate';

/** A fake model answering from `answers` in the given style (other endpoints: 404). */
function scriptedModel(answers: Map<string, string>, style: Style): FakeBehaviour {
  return {
    kind: 'respond',
    to(body, endpoint) {
      if (style === 'completion-logprobs' ? endpoint !== 'completion' : endpoint !== 'chat') {
        return { kind: 'status', status: 404, message: 'no such endpoint here' };
      }
      const letter = answers.get(askedQuestion(promptOf(body, endpoint)).trim());
      if (!letter) return { kind: 'status', status: 500, message: 'not a scripted question' };
      if (style === 'generate') return { kind: 'reply', text: `The answer is ${letter}.` };
      const token = endpoint === 'completion' ? ` ${letter}` : letter;
      const top: Record<string, number> = { [token]: -0.2, ' The': -2.5 };
      for (const other of 'ABCD') if (other !== letter) top[other] = -4 - 'ABCD'.indexOf(other);
      return { kind: 'reply', text: token, logprobs: [{ token, logprob: -0.2, top }] };
    },
  };
}

async function gatewayOver(script: FakeBehaviour[]): Promise<Gateway> {
  const upstream = await startFakeOpenAI(script);
  upstreams.push(upstream);
  const config: SalonConfig = emptyConfig();
  config.providers.fake = { type: 'openai', base_url: upstream.url };
  config.models.push({ name: 'scripted', targets: [{ provider: 'fake', model: 'fake-model' }] });
  return new Gateway(buildCatalog(config, {}), noEngine);
}

const options = {
  model: 'scripted',
  dataDir,
  subjects: ['abstract_algebra', 'anatomy'],
  shots: 5,
};

describe.skipIf(!hasData).each(targets)('MMLU with a scripted model on $dialect', (target) => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await openTestStore(target));
  });
  afterAll(async () => dispose?.());

  it('gives exactly the expected micro and macro accuracy from completion logprobs', async () => {
    const gateway = await gatewayOver([
      scriptedModel(await scriptedAnswers(), 'completion-logprobs'),
    ]);
    const report = await runMmlu(gateway, store.db, { ...options, concurrency: 8 });
    expect(report.method).toBe('completion-logprobs');
    expect(report.n).toBe(235);
    expect(report.micro.acc).toBeCloseTo(expectedMicro, 12);
    expect(report.macro.acc).toBeCloseTo(expectedMacro, 12);
    expect(report.subjects).toMatchObject({
      abstract_algebra: { acc: 0.7, n: 100 },
      anatomy: { acc: 0.2, n: 135 },
    });
    // Both are STEM subjects.
    expect(report.categories).toEqual({ stem: report.micro });
    expect(report.micro.ci[0]).toBeLessThan(expectedMicro);
    expect(report.micro.ci[1]).toBeGreaterThan(expectedMicro);
    expect(upstreams.at(-1)!.requests).toHaveLength(235);
    await gateway.close();
  });

  it('sends the prompt exactly as built, for one token with logprobs', async () => {
    const gateway = await gatewayOver([
      scriptedModel(await scriptedAnswers(), 'completion-logprobs'),
    ]);
    await runMmlu(gateway, store.db, { ...options, subjects: ['anatomy'], limit: 1, shots: 2 });
    const sent = upstreams.at(-1)!.requests[0]!;
    const dev = await loadQuestions(dataDir, 'anatomy', 'dev');
    const [first] = await loadQuestions(dataDir, 'anatomy', 'test');
    expect(sent.path).toMatch(/\/completions$/);
    expect(sent.body).toMatchObject({
      prompt: buildPrompt(first!, dev.slice(0, 2)),
      max_tokens: 1,
      temperature: 0,
      logprobs: 5,
    });
    await gateway.close();
  });

  it('lists finished runs with their results for the leaderboard', async () => {
    const runs = await listMmluRuns(store.db, { model: 'scripted' });
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      expect(run.status).toBe('finished');
      expect(run.method).toBe('completion-logprobs');
      expect(run.target).toBe('fake/fake-model');
      expect(run.results?.micro.acc).toBeGreaterThan(0);
    }
    const answers = await listMmluAnswers(store.db, runs.at(-1)!.id);
    expect(answers).toHaveLength(235);
    expect(answers.filter((answer) => answer.correct)).toHaveLength(97);
    expect(answers[0]).toMatchObject({
      subject: 'abstract_algebra',
      questionIndex: 0,
      shotsUsed: 5,
      method: 'completion-logprobs',
    });
    expect(answers[0]!.logprobs).toHaveLength(4);
  });
});

describe.skipIf(!hasData)('MMLU scoring methods and resume (SQLite)', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await openTestStore(targets[0]!));
  });
  afterAll(async () => dispose?.());

  for (const style of ['chat-logprobs', 'generate'] as const) {
    it(`falls back to ${style} and still scores exactly`, async () => {
      const gateway = await gatewayOver([scriptedModel(await scriptedAnswers(), style)]);
      const report = await runMmlu(gateway, store.db, { ...options, concurrency: 8 });
      expect(report.method).toBe(style);
      expect(report.micro.acc).toBeCloseTo(expectedMicro, 12);
      expect(report.macro.acc).toBeCloseTo(expectedMacro, 12);
      const answers = await listMmluAnswers(store.db, report.runId);
      expect(answers.every((answer) => answer.method === style)).toBe(true);
      if (style === 'generate') expect(answers[0]!.response).toMatch(/^The answer is [ABCD]\.$/);
      await gateway.close();
    });
  }

  it('resumes an interrupted run without asking its finished questions again', async () => {
    const answers = await scriptedAnswers();
    const model = scriptedModel(answers, 'completion-logprobs');
    let served = 0;
    // Answers 30 questions, then fails every request: the run stops, unfinished.
    const failing: FakeBehaviour = {
      kind: 'respond',
      to: (body, endpoint) =>
        ++served <= 30 && model.kind === 'respond'
          ? model.to(body, endpoint)
          : { kind: 'status', status: 422, message: 'scripted failure' },
    };
    const first = await gatewayOver([failing]);
    const full = { ...options, subjects: ['abstract_algebra'], concurrency: 1 };
    const error: unknown = await runMmlu(first, store.db, full).catch((caught) => caught);
    expect(String(error)).toMatch(/scripted failure/);
    await first.close();
    const [unfinished] = await listMmluRuns(store.db, {
      includeUnfinished: true,
      model: 'scripted',
    });
    expect(unfinished!.status).toBe('running');
    expect(await listMmluAnswers(store.db, unfinished!.id)).toHaveLength(30);

    const second = await gatewayOver([model]);
    const report = await runMmlu(second, store.db, full);
    expect(report.runId).toBe(unfinished!.id);
    expect(report.resumedAnswers).toBe(30);
    expect(upstreams.at(-1)!.requests).toHaveLength(100 - 30);
    expect(report.n).toBe(100);
    expect(report.subjects).toEqual({ abstract_algebra: report.micro });
    expect(report.micro.acc).toBe(0.7);
    await second.close();
  });

  it('refuses an unknown subject, a missing data folder and an unknown model, naming them', async () => {
    const gateway = await gatewayOver([{ kind: 'reply', text: 'A' }]);
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (e) => e,
      );
    const subject = await failure(
      runMmlu(gateway, store.db, { ...options, subjects: ['astrology'] }),
    );
    expect(isSalonError(subject) && subject.message).toMatch(/unknown subject 'astrology'/);
    const data = await failure(runMmlu(gateway, store.db, { ...options, dataDir: '/nowhere' }));
    expect(isSalonError(data) && data.message).toMatch(/\/nowhere\/dev is not a folder/);
    const model = await failure(runMmlu(gateway, store.db, { ...options, model: 'ghost' }));
    expect(isSalonError(model) && model.code).toBe('model_not_found');
    expect(upstreams.at(-1)!.requests).toHaveLength(0);
    await gateway.close();
  });
});

const tinyAvailable = hasData && hasTinyModel('MMLU on the embedded engine');

describe.skipIf(!tinyAvailable)('MMLU on the tiny model through the engine', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await openTestStore(targets[0]!));
  });
  afterAll(async () => dispose?.());

  function tinyGateway(contextSize?: number): Gateway {
    const config: SalonConfig = emptyConfig();
    config.providers.tiny = {
      type: 'llama',
      model_path: tinyModelPath,
      threads: 1,
      ...(contextSize && { context_size: contextSize }),
    };
    config.models.push({ name: 'tiny', targets: [{ provider: 'tiny' }] });
    return new Gateway(buildCatalog(config, {}), { loadModel });
  }

  it('scores 5-shot questions by the log-likelihood of each letter', async () => {
    const gateway = tinyGateway();
    const report = await runMmlu(gateway, store.db, {
      model: 'tiny',
      dataDir,
      subjects: ['abstract_algebra', 'marketing', 'virology'],
      limit: 4,
    });
    await gateway.close();
    expect(report.method).toBe('engine-logprobs');
    expect(report.target).toBe('tiny');
    expect(report.n).toBe(12);
    // Random weights: near chance, and never a sure thing either way.
    expect(report.micro.ci[0]).toBeLessThan(0.6);
    const answers = await listMmluAnswers(store.db, report.runId);
    for (const answer of answers) {
      expect(answer.shotsUsed).toBe(5);
      expect(answer.logprobs).toHaveLength(4);
      for (const value of answer.logprobs!) expect(value).toBeLessThan(0);
      const best = Math.max(...(answer.logprobs as number[]));
      expect(answer.chosen).toBe('ABCD'[(answer.logprobs as number[]).indexOf(best)]);
    }
  });

  it('drops shots one at a time when the prompt exceeds the context', async () => {
    const gateway = tinyGateway(512);
    const report = await runMmlu(gateway, store.db, {
      model: 'tiny',
      dataDir,
      subjects: ['high_school_european_history', 'abstract_algebra'],
      limit: 2,
      resume: 'never',
    });
    await gateway.close();
    const answers = await listMmluAnswers(store.db, report.runId);
    const history = answers.filter((answer) => answer.subject === 'high_school_european_history');
    // Its passages are long: not even one shot fits in 512 tokens.
    for (const answer of history) expect(answer.shotsUsed).toBeLessThan(5);
    const algebra = answers.filter((answer) => answer.subject === 'abstract_algebra');
    for (const answer of algebra) expect(answer.shotsUsed).toBeGreaterThan(0);
  });
});
