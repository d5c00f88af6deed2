// The "Models" field of the provider form: names separated by commas (or spaces, or new lines,
// since a model name has none), duplicates and blanks dropped, order kept.

/** The model names typed in the field; empty when none (the server then asks the provider). */
export function parseModelList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  ];
}
