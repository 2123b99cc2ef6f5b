import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { AttachmentPicker, DropZone } from '../attachments/AttachmentPicker';
import { useUploads } from '../attachments/useUploads';
import { Button, CharacterCount, nearLimit } from '../design';
import { intlLocale } from '../i18n';
import { ReplyToTicketDocument, type ReplyFieldsFragment, type TicketStatus, type ViewerFragment } from '../gql/graphql';
import { fieldErrors, friendlyMessage } from '../lib/errors';
import { newMutationId } from '../lib/mutation-id';
import type { TicketPresence } from '../presence/useTicketPresence';
import { fillCannedReply, insertAtSlash, slashTyped } from '../team/canned';
import { CannedReplyPicker } from '../team/CannedReplyPicker';
import { collisionBefore, type Collision } from '../team/collision';
import { CollisionWarning } from '../team/CollisionWarning';
import { ComposerMode, type ComposerModeValue } from '../team/ComposerMode';
import { draftKey, useDraft } from '../drafts/drafts';
import { addReplyToTicket } from './cache-updates';
import { OPTIMISTIC_PREFIX } from './conversation';
import { MESSAGE_MAX } from './status';

interface ReplyFormProps {
  ticket: {
    id: string;
    status: TicketStatus;
    updatedAt: string;
    closedAt: string | null;
    assignee?: { __typename: 'User'; id: string; name: string } | null;
    ticketNumber?: number;
    userName?: string;
  };
  viewer: ViewerFragment;
  /** The conversation as shown: a team member is warned of replies written since they started (team/collision.ts). */
  replies?: readonly ReplyFieldsFragment[];
  /** Who else is typing, and where this composer reports its own typing. */
  presence?: Pick<TicketPresence, 'typing' | 'reporter'>;
}

let optimisticSeq = 0;

/**
 * Sends a reply; it shows at once (optimistic) and is replaced by the real one. The Lex team also
 * writes internal notes here (amber, so a note is never mistaken for a reply), inserts canned
 * replies with `/`, and confirms before a reply that may cross a colleague's.
 */
export function ReplyForm({ ticket, viewer, replies = [], presence }: ReplyFormProps) {
  const id = useId();
  const { t } = useTranslation();
  // The half-written reply (and the team's Reply/Internal-note choice) outlives a reload until it is sent.
  const [draft, setDraft] = useDraft(draftKey(viewer.id, `ticket:${ticket.id}`), { text: '', mode: 'reply' });
  const text = draft.text;
  const mode: ComposerModeValue = draft.mode === 'note' ? 'note' : 'reply';
  const setText = (next: string | ((current: string) => string)) =>
    setDraft((d) => ({ ...d, text: typeof next === 'function' ? next(d.text) : next }));
  const setMode = (next: ComposerModeValue) => setDraft((d) => ({ ...d, mode: next }));
  const [error, setError] = useState<string | null>(null);
  const [picker, setPicker] = useState<{ slashAt: number } | null>(null);
  const [collision, setCollision] = useState<Collision | null>(null);
  const [reply, { loading }] = useMutation(ReplyToTicketDocument);
  const files = useUploads();
  const box = useRef<HTMLTextAreaElement>(null);
  // Sending the same words again after a failure reuses their id, so a reply that did arrive is not doubled.
  const attempt = useRef<{ message: string; id: string } | null>(null);
  const isAdmin = viewer.role === 'SUPERADMIN';
  const note = isAdmin && mode === 'note';
  const closed = ticket.status === 'CLOSED';

  // What the writer has seen: the replies when the composer opened or was last focused, and their own.
  const repliesRef = useRef(replies);
  useEffect(() => {
    repliesRef.current = replies;
  }, [replies]);
  const seen = useRef(new Set(replies.map((r) => r.id)));
  const own = useRef(new Set<string>());
  const markSeen = () => {
    seen.current = new Set(repliesRef.current.map((r) => r.id));
  };

  function validate(message: string): string | null {
    if (!message) return t('reply.missing');
    if (message.length > MESSAGE_MAX) return t('errors.input.message', { max: MESSAGE_MAX.toLocaleString(intlLocale()) });
    if (files.busy) return t('attachments.wait');
    return null;
  }

  function trySend() {
    const message = text.trim();
    const invalid = validate(message);
    if (invalid) {
      setError(invalid);
      return;
    }
    if (isAdmin) {
      const found = collisionBefore({
        replies,
        seen: seen.current,
        own: own.current,
        typing: presence?.typing ?? [],
        viewer,
        internal: note,
      });
      if (found) {
        setCollision(found);
        return;
      }
    }
    void send(message);
  }

  async function send(message: string) {
    setError(null);
    setCollision(null);
    setText('');
    // The send button disables itself once the box is empty: keep the keyboard in the composer.
    box.current?.focus();
    presence?.reporter.stop();
    markSeen();
    const attachmentIds = files.ids;
    const internal = note;
    const attemptKey = `${internal}\0${message}\0${attachmentIds.join()}`;
    if (attempt.current?.message !== attemptKey) attempt.current = { message: attemptKey, id: newMutationId() };
    const clientMutationId = attempt.current.id;
    const now = new Date().toISOString();
    try {
      const result = await reply({
        variables: { input: { ticketId: ticket.id, message, attachmentIds, clientMutationId, ...(internal ? { internal } : {}) } },
        optimisticResponse: {
          replyToTicket: {
            __typename: 'SupportReply',
            id: `${OPTIMISTIC_PREFIX}${Date.now()}-${++optimisticSeq}`,
            ticketId: ticket.id,
            message,
            isAdmin,
            isInternal: internal,
            senderName: viewer.name,
            createdAt: now,
            // The files show once the server answers (with their URLs); until then the chips stay in the composer.
            attachments: [],
            ticket: {
              __typename: 'SupportTicket',
              id: ticket.id,
              status: ticket.status,
              updatedAt: ticket.updatedAt,
              closedAt: ticket.closedAt,
              assignee: ticket.assignee ?? null,
            },
          },
        },
        update(cache, { data }) {
          if (!data?.replyToTicket) return;
          const { ticket: _ticket, ...replyFields } = data.replyToTicket;
          void _ticket;
          addReplyToTicket(cache, replyFields);
        },
      });
      if (result.data) own.current.add(result.data.replyToTicket.id);
      attempt.current = null;
      files.clear();
    } catch (err) {
      setText((current) => current || message);
      setError(fieldErrors(err).message ?? friendlyMessage(err));
    }
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    trySend();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      trySend();
    } else if (e.key === 'Escape' && collision) {
      e.preventDefault();
      reviewFirst();
    }
  }

  function onTextChange(next: string, caret: number) {
    const slashAt = isAdmin ? slashTyped(text, next, caret) : null;
    setText(next);
    if (error) setError(null);
    if (next.trim()) presence?.reporter.keystroke(note);
    else presence?.reporter.stop();
    if (slashAt !== null) setPicker({ slashAt });
  }

  function placeCaret(at: number) {
    requestAnimationFrame(() => {
      box.current?.focus();
      box.current?.setSelectionRange(at, at);
    });
  }

  const fillCanned = (body: string) =>
    fillCannedReply(body, { customerName: ticket.userName ?? '', ticketNumber: ticket.ticketNumber ?? 0, agentName: viewer.name });

  function chooseCanned(body: string) {
    if (!picker) return;
    const inserted = insertAtSlash(text, picker.slashAt, fillCanned(body));
    setPicker(null);
    setText(inserted.text);
    presence?.reporter.keystroke(note);
    placeCaret(inserted.caret);
  }

  function reviewFirst() {
    setCollision(null);
    markSeen();
    box.current?.focus();
  }

  const label = note ? t('composer.noteLabel') : t('reply.yourReply');
  const placeholder = note ? t('composer.notePlaceholder') : t(isAdmin ? 'reply.placeholderAdmin' : 'reply.placeholderCustomer');
  const hint = note ? t('composer.noteHint') : t(closed ? 'reply.closedHint' : isAdmin ? 'composer.shortcutTeam' : 'reply.shortcut');

  return (
    <DropZone onFiles={files.add}>
      <form
        className={`reply-form${note ? ' reply-form--note' : ''}`}
        onSubmit={onSubmit}
        aria-label={t(note ? 'composer.note' : 'reply.label')}
        data-mode={isAdmin ? mode : undefined}
      >
        {isAdmin && (
          <ComposerMode
            value={mode}
            onChange={(next) => {
              setMode(next);
              setCollision(null);
              if (text.trim()) presence?.reporter.keystroke(next === 'note');
            }}
          />
        )}
        <label className="field__label reply-form__label" htmlFor={id}>
          {note && <span className="note-tag">{t('composer.note')}</span>}
          {label}
        </label>
        <div className="reply-form__box">
          {picker && (
            <CannedReplyPicker
              onChoose={(canned) => chooseCanned(canned.body)}
              fill={fillCanned}
              onClose={(refocus) => {
                const at = picker.slashAt + 1;
                setPicker(null);
                if (refocus) placeCaret(at);
              }}
            />
          )}
          <textarea
            ref={box}
            id={id}
            name="reply"
            className="field__control reply-form__input"
            rows={3}
            value={text}
            onChange={(e) => onTextChange(e.target.value, e.target.selectionStart)}
            onKeyDown={onKeyDown}
            onFocus={() => {
              if (!collision) markSeen();
            }}
            onBlur={() => presence?.reporter.stop()}
            placeholder={placeholder}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}${nearLimit(text.length, MESSAGE_MAX) ? ` ${id}-count` : ''}`}
          />
        </div>
        <CharacterCount id={`${id}-count`} length={text.length} max={MESSAGE_MAX} />
        {error && (
          <span className="field__error" id={`${id}-error`} role="alert">
            {error}
          </span>
        )}
        {collision && <CollisionWarning collision={collision} onSend={() => void send(text.trim())} onCancel={reviewFirst} />}
        <AttachmentPicker uploads={files.uploads} onFiles={files.add} onRemove={files.remove} />
        <div className="reply-form__bar">
          {/* keyboard shortcuts mean nothing on a phone: that hint folds away there (app.css) */}
          <span className={`field__hint${note || closed ? '' : ' reply-form__shortcut'}`} id={`${id}-hint`}>
            {hint}
          </span>
          <Button
            type="submit"
            className={note ? 'btn--note' : undefined}
            loading={loading && !text}
            disabled={!text.trim() || files.busy || Boolean(collision)}
          >
            {t(note ? 'composer.sendNote' : 'reply.send')}
          </Button>
        </div>
      </form>
    </DropZone>
  );
}
