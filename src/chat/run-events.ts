// The events a run appends to the bus, in the stream vocabulary shared with the gateway and
// the web client: `text-delta`, then exactly one `finish` or `error`.
import type { RunEvent, NewRunEvent } from '../bus/bus.js';
import type { FinishReason, Usage } from '../gateway/types.js';

/** A piece of the reply's text. */
export function textDeltaEvent(text: string): NewRunEvent {
  return { type: 'text-delta', data: { text } };
}

/** The reply ended: `abort` when stopped; `usage` null when the provider did not report it. */
export function finishEvent(finishReason: FinishReason, usage: Usage | null): NewRunEvent {
  return { type: 'finish', data: { finishReason, usage } };
}

/** The reply failed or was interrupted; the message keeps the text produced until then. */
export function errorEvent(message: string): NewRunEvent {
  return { type: 'error', data: { message } };
}

/** True for the event that ends a run. */
export function isLastRunEvent(event: RunEvent): boolean {
  return event.type === 'finish' || event.type === 'error';
}
