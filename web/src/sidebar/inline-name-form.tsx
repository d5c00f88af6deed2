// A one-field form to name or rename something in place: Enter saves, Escape cancels.
import { useState } from 'react';

/** Edits a name in place. */
export function InlineNameForm({
  label,
  initial,
  onSave,
  onCancel,
}: {
  label: string;
  initial: string;
  onSave(name: string): void;
  onCancel(): void;
}) {
  const [name, setName] = useState(initial);
  return (
    <form
      className="inline-name-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (name.trim()) onSave(name.trim());
        else onCancel();
      }}
    >
      <input
        type="text"
        aria-label={label}
        value={name}
        autoFocus
        onFocus={(event) => event.target.select()}
        onChange={(event) => setName(event.target.value)}
        onBlur={() => (name.trim() && name.trim() !== initial ? onSave(name.trim()) : onCancel())}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            onCancel();
          }
        }}
      />
    </form>
  );
}
