// What one admitted /v1 request used, gathered while the handler runs, and handed to
// V1Governance exactly once when the request has ended: answered, streamed to the end, failed
// before the answer, failed mid-stream, or left by its client.
import type { Forwarded, Usage } from '../../../gateway/types.js';
import { isSalonError } from '../../../lib/errors.js';
import type { Admission, V1Governance } from '../../v1-governance.js';

/** How an answer ended. */
export interface AnswerDetails {
  /** When the first token came (`performance.now()`), where known. */
  firstTokenAt?: number;
  /** The error a stream ended with. */
  error?: unknown;
  /** The client left before the end. */
  clientGone?: boolean;
}

// No HTTP status was sent: the client left before the answer (nginx's code for it).
const clientClosedStatus = 499;

/** The usage of one admitted request, settled once. */
export class UsageReport {
  #forwarded?: Pick<Forwarded, 'target' | 'price'>;

  constructor(
    private readonly governance: V1Governance,
    private readonly admission: Admission,
    /** `performance.now()` when the request arrived. */
    private readonly startedAt: number,
  ) {}

  /** The target that answered, and its price. */
  served(forwarded: Pick<Forwarded, 'target' | 'price'>): void {
    this.#forwarded = forwarded;
  }

  /** The request failed before any answer was sent; settles with the error's status. */
  failedBeforeAnswer(error: unknown, clientGone: boolean): void {
    const status = clientGone ? clientClosedStatus : isSalonError(error) ? error.status : 500;
    this.#settle(status, undefined, clientGone ? 'client_closed' : errorCode(error));
  }

  /**
   * The answer was sent, or its stream ended: status 200 with the upstream's usage, and the
   * error of a stream that ended in an `error` event or lost its client.
   */
  answered(usage: Usage | undefined, how: AnswerDetails = {}): void {
    const code = how.clientGone
      ? 'client_closed'
      : how.error !== undefined
        ? errorCode(how.error)
        : undefined;
    this.#settle(200, usage, code, how.firstTokenAt);
  }

  #settle(status: number, usage: Usage | undefined, code?: string, firstTokenAt?: number): void {
    const now = performance.now();
    this.governance.settle(this.admission, {
      target: this.#forwarded?.target,
      price: this.#forwarded?.price,
      promptTokens: usage?.promptTokens,
      completionTokens: usage?.completionTokens,
      latencyMs: now - this.startedAt,
      ttftMs: firstTokenAt === undefined ? undefined : firstTokenAt - this.startedAt,
      status,
      errorCode: code,
    });
  }
}

function errorCode(error: unknown): string {
  return isSalonError(error) ? error.code : 'internal_error';
}
