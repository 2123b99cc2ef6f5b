import { useId } from 'react';
import { useTranslation } from 'react-i18next';

export type ComposerModeValue = 'reply' | 'note';

/** The team's choice between a reply the customer reads and an internal note; radio buttons, so arrows move between them. */
export function ComposerMode({ value, onChange }: { value: ComposerModeValue; onChange: (value: ComposerModeValue) => void }) {
  const { t } = useTranslation();
  const name = useId();
  return (
    <fieldset className="composer-mode">
      <legend className="sr-only">{t('composer.mode')}</legend>
      {(['reply', 'note'] as const).map((mode) => (
        <label key={mode} className={`composer-mode__option composer-mode__option--${mode}`}>
          <input type="radio" name={name} value={mode} checked={value === mode} onChange={() => onChange(mode)} />
          <span>{t(mode === 'reply' ? 'composer.reply' : 'composer.note')}</span>
        </label>
      ))}
    </fieldset>
  );
}
