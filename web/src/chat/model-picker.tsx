// The model picker (a contract: combobox "Model"). A native select: keyboard and screen
// readers work everywhere; aliases come first as the server orders them.
import type { ModelEntry } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';

/** Picks a model. */
export function ModelPicker({
  models,
  value,
  onChange,
}: {
  models: readonly ModelEntry[];
  value: string | null;
  onChange(model: string): void;
}) {
  const { t } = useI18n();
  const known = value !== null && models.some((model) => model.id === value);
  return (
    <select
      className="model-picker"
      aria-label={t('model')}
      value={value ?? ''}
      disabled={models.length === 0}
      onChange={(event) => onChange(event.target.value)}
    >
      {value !== null && !known ? <option value={value}>{value}</option> : null}
      {models.length === 0 ? <option value="">—</option> : null}
      {models.map((model) => (
        <option key={model.id} value={model.id}>
          {model.aliasOf ? t('aliasOf', { name: model.id, target: model.aliasOf }) : model.id}
        </option>
      ))}
    </select>
  );
}
