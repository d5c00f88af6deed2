// What the mock upstream answers, shared by the mock process and the bench's checks.

/** The reply's text, split into this many content chunks when streamed. */
export const mockReplyPieces = ['Hello', ' from', ' the', ' mock', ' upstream.'];

/** The whole reply, as a client should see it through any gateway. */
export const mockReplyText = mockReplyPieces.join('');
