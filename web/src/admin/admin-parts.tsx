// Small pieces every admin section uses: a labelled field, a checkbox, the error alert, the
// notice line, a confirmation dialog and the box that shows a secret once.
import { cloneElement, useId, useState } from 'react';
import type { ReactElement, ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { CopyButton } from '../lib/copy-button.js';
import { Dialog } from '../lib/dialog.js';
import { useAdminText } from './admin-text.js';

/**
 * A labelled control: the label points at the control by id rather than wrapping it, so the
 * control's accessible name is the label alone (a wrapped select would add its option's text).
 */
export function Field({
  label,
  help,
  children,
}: {
  label: string;
  /** A hint under the control, read with it. */
  help?: string;
  children: ReactElement<{ id?: string; 'aria-describedby'?: string }>;
}) {
  const id = useId();
  const helpId = `${id}-help`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id, ...(help && { 'aria-describedby': helpId }) })}
      {help ? (
        <span id={helpId} className="muted field-help">
          {help}
        </span>
      ) : null}
    </div>
  );
}

/** A checkbox named by the text beside it. */
export function Checkbox({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange(checked: boolean): void;
}) {
  return (
    <label className="checkbox">
      <input
        type="checkbox"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
      />
      {label}
    </label>
  );
}

/**
 * A table's box, scrolling sideways when the table is wider than the screen: focusable and
 * named, so that keyboard users can scroll it too.
 */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/** The server's message in an alert; nothing without one. */
export function ErrorAlert({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="form-error admin-alert" role="alert">
      {message}
    </p>
  );
}

/** What the last change did, announced politely (the region stays in place). */
export function Notice({ message }: { message: string | undefined }) {
  return (
    <p className="admin-notice" role="status">
      {message}
    </p>
  );
}

/**
 * Asks before a change that is hard to undo. `onConfirm` rejecting keeps the dialog open with
 * the server's message; resolving closes it.
 */
export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  onConfirm,
  onClose,
}: {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  onConfirm(): Promise<void>;
  onClose(): void;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      onClose();
    } catch (caught) {
      setError((caught as Error).message);
      setBusy(false);
    }
  };
  return (
    <Dialog title={title} onClose={onClose} className="confirm-dialog">
      <p>{message}</p>
      <ErrorAlert message={error} />
      <div className="form-actions">
        <button type="button" onClick={onClose}>
          {t('cancel')}
        </button>
        <button
          type="button"
          className="primary danger-primary"
          disabled={busy}
          onClick={() => void confirm()}
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

/** A secret (link, key, token) shown this once, with a copy button. */
export function SecretOnce({
  label,
  value,
  copyLabel,
}: {
  label: string;
  value: string;
  copyLabel: string;
}) {
  const t = useAdminText();
  return (
    <div className="secret-once">
      <Field label={label}>
        <input readOnly value={value} onFocus={(event) => event.target.select()} />
      </Field>
      <CopyButton text={value} label={copyLabel} />
      <p className="muted">{t('shownOnce')}</p>
    </div>
  );
}

/** A date and time in the reader's locale. */
export function formatTime(iso: string | null, language: string): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(language, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A number in the reader's locale. */
export function formatNumber(value: number, language: string, digits = 0): string {
  return value.toLocaleString(language, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}
