// A button that copies text and says so for two seconds (announced to screen readers).
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { copyText } from './clipboard.js';
import { Icon } from './icons.js';

/** Copies `text` on click. */
export function CopyButton({ text, label }: { text: string; label?: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2_000);
    return () => clearTimeout(timer);
  }, [copied]);
  const name = copied ? t('copied') : (label ?? t('copy'));
  return (
    <button
      type="button"
      className="icon-button"
      aria-label={name}
      title={name}
      onClick={() => void copyText(text).then(setCopied)}
    >
      <Icon name={copied ? 'check' : 'copy'} />
    </button>
  );
}
