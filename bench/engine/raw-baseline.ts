// The baseline: node-llama-cpp driven directly, the least work that generates the same tokens.
// Same binding options, context shape, threads, prompt tokens and sampling as Salon's engine;
// no detokenising, no HTTP, nothing per token but counting and the EOG check.
import {
  getLlama,
  resolveChatWrapper,
  type ChatHistoryItem,
  type LlamaContextSequence,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import { benchMessages, benchSampling, measure, type BenchTarget } from './workload.js';

/** The context shape to reproduce (read back from Salon's loaded engine model). */
export interface RawSettings {
  modelPath: string;
  contextSize: number;
  sequences: number;
  threads: number;
  maxTokens: number;
}

/** Loads the model and a context of `settings.sequences` sequences. */
export async function openRawBaseline(settings: RawSettings): Promise<BenchTarget> {
  // As src/engine/native.ts: prebuilt binary, and exactly the threads the context asks for.
  const llama = await getLlama({ gpu: 'auto', build: 'never', maxThreads: 0 });
  const model = await llama.loadModel({ modelPath: settings.modelPath });
  const context = await model.createContext({
    contextSize: settings.contextSize,
    sequences: settings.sequences,
    threads: settings.threads,
  });
  const sequences = Array.from({ length: settings.sequences }, () => context.getSequence());
  const prompt = renderPrompt(model);
  return {
    async run(streams) {
      if (streams > sequences.length)
        throw new Error(`${streams} streams need ${streams} sequences`);
      return measure(streams, async () => {
        const counts = await Promise.all(
          sequences
            .slice(0, streams)
            .map((sequence) => generate(model, sequence, prompt, settings.maxTokens)),
        );
        return {
          tokens: counts.reduce((sum, count) => sum + count, 0),
          promptTokens: prompt.length,
        };
      });
    },
    async close() {
      await context.dispose();
      await model.dispose();
    },
  };
}

/** The conversation through the model's chat template, as node-llama-cpp renders it. */
function renderPrompt(model: LlamaModel): Token[] {
  const chatHistory: ChatHistoryItem[] = [
    ...benchMessages.map((message): ChatHistoryItem =>
      message.role === 'system'
        ? { type: 'system', text: message.content }
        : { type: 'user', text: message.content },
    ),
    { type: 'model', response: [] },
  ];
  const wrapper = resolveChatWrapper(model, { warningLogs: false });
  return wrapper.generateContextState({ chatHistory }).contextText.tokenize(model.tokenizer);
}

/** Generates up to `maxTokens` on one sequence, reusing its cached prefix; returns the count. */
async function generate(
  model: LlamaModel,
  sequence: LlamaContextSequence,
  prompt: Token[],
  maxTokens: number,
): Promise<number> {
  // Keep the cached prefix (all but the last prompt token, whose logits are needed), as any
  // node-llama-cpp chat session does and as Salon's engine does.
  const shared = Math.min(
    sequence.compareContextTokens(prompt).firstDifferentIndex,
    prompt.length - 1,
  );
  if (shared < sequence.nextTokenIndex) {
    await sequence.eraseContextTokenRanges([{ start: shared, end: sequence.nextTokenIndex }]);
  }
  let count = 0;
  for await (const token of sequence.evaluate(prompt.slice(shared), {
    ...benchSampling,
    yieldEogToken: true,
  })) {
    count++;
    if (model.isEogToken(token) || count >= maxTokens) break;
  }
  return count;
}
