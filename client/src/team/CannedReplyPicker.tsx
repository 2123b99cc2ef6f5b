import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { CannedRepliesDocument, type CannedReplyFieldsFragment } from '../gql/graphql';
import { friendlyMessage } from '../lib/errors';
import { CANNED_REPLIES_PATH, matchCannedReplies } from './canned';

interface CannedReplyPickerProps {
  onChoose: (reply: CannedReplyFieldsFragment) => void;
  /** The body as it would be inserted here (variables filled in), for the preview. */
  fill: (body: string) => string;
  /** Escape (`refocus`: back to the composer) or focus leaving the picker; the `/` stays as typed. */
  onClose: (refocus: boolean) => void;
}

/**
 * The picker typing `/` opens in the team's composer: a search box (an ARIA combobox) over the list
 * of canned replies (a listbox). Arrows move, Enter inserts, Escape closes.
 */
export function CannedReplyPicker({ onChoose, fill, onClose }: CannedReplyPickerProps) {
  const { t } = useTranslation();
  const id = useId();
  const { data, error, loading } = useQuery(CannedRepliesDocument);
  const [search, setSearch] = useState('');
  const [active, setActive] = useState(0);
  const matches = useMemo(() => matchCannedReplies(data?.cannedReplies ?? [], search), [data, search]);
  const current = matches[Math.min(active, matches.length - 1)];

  useEffect(() => {
    if (current) document.getElementById(`${id}-option-${current.id}`)?.scrollIntoView?.({ block: 'nearest' });
  }, [current, id]);

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!matches.length) return;
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (Math.min(i, matches.length - 1) + step + matches.length) % matches.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (current) onChoose(current);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      onClose(true);
    }
  }

  const count = data ? t('canned.results', { count: matches.length }) : '';
  return (
    <div
      className="canned-picker"
      data-testid="canned-picker"
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) onClose(false);
      }}
    >
      <label className="canned-picker__label" htmlFor={`${id}-search`}>
        {t('canned.search')}
      </label>
      <input
        id={`${id}-search`}
        className="field__control canned-picker__search"
        role="combobox"
        aria-expanded="true"
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-activedescendant={current ? `${id}-option-${current.id}` : undefined}
        aria-describedby={`${id}-count`}
        autoComplete="off"
        // focus moves here when `/` opens the picker, as a combobox's popup takes it
        // eslint-disable-next-line jsx-a11y/no-autofocus
        autoFocus
        value={search}
        placeholder={t('canned.searchPlaceholder')}
        onChange={(e) => {
          setSearch(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <span id={`${id}-count`} className="sr-only" aria-live="polite">
        {count}
      </span>
      <ul id={`${id}-list`} className="canned-picker__list" role="listbox" aria-label={t('canned.listLabel')}>
        {matches.map((reply) => (
          // the keyboard works through the search box (aria-activedescendant); a click chooses too
          // eslint-disable-next-line jsx-a11y/click-events-have-key-events
          <li
            key={reply.id}
            id={`${id}-option-${reply.id}`}
            role="option"
            aria-selected={reply === current}
            className={`canned-picker__option${reply === current ? ' canned-picker__option--active' : ''}`}
            // keeps the focus in the search box, so the keyboard keeps working after a click
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => onChoose(reply)}
          >
            <span className="canned-picker__title">{reply.title}</span>
            <span className="canned-picker__preview">{fill(reply.body)}</span>
          </li>
        ))}
      </ul>
      {(error || (!loading && data && matches.length === 0)) && (
        <p className="canned-picker__empty">
          {error ? friendlyMessage(error) : t(data?.cannedReplies.length ? 'canned.noMatch' : 'canned.none')}
        </p>
      )}
      <div className="canned-picker__foot">
        <span aria-hidden="true">{t('canned.keys')}</span>
        <Link to={CANNED_REPLIES_PATH} onMouseDown={(e) => e.preventDefault()}>
          {t('canned.manage')}
        </Link>
      </div>
    </div>
  );
}
