// Renders a conversation through the model's own chat template (the GGUF's Jinja template, or
// the node-llama-cpp wrapper that matches it) and collects what ends the assistant's turn.
import type { ChatHistoryItem, ChatWrapper, LlamaModel, LlamaText, Token } from 'node-llama-cpp';
import type { NodeLlamaCppModule } from './native.js';
import type { EngineMessage } from './types.js';

/** A rendered conversation: prompt tokens and the template's end-of-turn markers. */
export interface ChatPrompt {
  tokens: Token[];
  /** Single tokens that end the turn (EOS, EOT, `<|im_end|>`, …). */
  stopTokens: Set<Token>;
  /** Text that ends the turn (e.g. "### Human" in templates without an end token). */
  stopStrings: string[];
}

/** The model's chat template, resolved once per model. */
export class ChatTemplate {
  private readonly wrapper: ChatWrapper;

  constructor(
    private readonly nodeLlamaCpp: NodeLlamaCppModule,
    private readonly model: LlamaModel,
  ) {
    this.wrapper = nodeLlamaCpp.resolveChatWrapper(model, { warningLogs: false });
  }

  /** The template's name, for logs. */
  get name(): string {
    return this.wrapper.wrapperName;
  }

  /** Renders the messages, ending with an open assistant turn (or continuing a last one). */
  render(messages: readonly EngineMessage[]): ChatPrompt {
    const state = this.wrapper.generateContextState({ chatHistory: toChatHistory(messages) });
    const stopTokens = new Set<Token>();
    const stopStrings = new Set<string>();
    for (const trigger of state.stopGenerationTriggers) {
      this.addTrigger(trigger, stopTokens, stopStrings);
    }
    return {
      tokens: state.contextText.tokenize(this.model.tokenizer),
      stopTokens,
      stopStrings: [...stopStrings],
    };
  }

  private addTrigger(trigger: LlamaText, stopTokens: Set<Token>, stopStrings: Set<string>): void {
    const { SpecialToken, SpecialTokensText } = this.nodeLlamaCpp;
    const values = trigger.values;
    if (values.some((value) => typeof value !== 'string')) {
      const tokens = trigger.tokenize(this.model.tokenizer);
      if (tokens.length === 1) return void stopTokens.add(tokens[0]!);
      // A special token followed by text (e.g. "<|im_end|>\n"): the token alone ends the turn.
      const first = values[0];
      const head =
        first instanceof SpecialToken || first instanceof SpecialTokensText
          ? first.tokenize(this.model.tokenizer)
          : [];
      if (head.length === 1 && this.model.isSpecialToken(head[0])) {
        return void stopTokens.add(head[0]!);
      }
      // A built-in token this vocabulary lacks can never be generated.
      if (values.some((value) => value instanceof SpecialToken)) return;
    }
    // Plain text, or "special" text that is ordinary text in this vocabulary.
    const text = values.map((value) => (typeof value === 'string' ? value : value.value)).join('');
    if (text) stopStrings.add(text);
  }
}

/** Maps engine messages to node-llama-cpp's history, merging consecutive same-role turns. */
export function toChatHistory(messages: readonly EngineMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  for (const message of messages) {
    const last = history.at(-1);
    // Tool results have no role of their own in most templates: they reach the model as user text.
    const type =
      message.role === 'assistant' ? 'model' : message.role === 'system' ? 'system' : 'user';
    if (last?.type === 'model' && type === 'model') last.response.push('\n\n' + message.content);
    else if (last?.type === 'user' && type === 'user') last.text += '\n\n' + message.content;
    else if (last?.type === 'system' && type === 'system' && typeof last.text === 'string') {
      last.text += '\n\n' + message.content;
    } else if (type === 'model') history.push({ type, response: [message.content] });
    else history.push({ type, text: message.content });
  }
  // An open model turn to generate into; a trailing assistant message is continued instead.
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}
