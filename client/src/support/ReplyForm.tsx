import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { AttachmentPicker, DropZone } from '../attachments/AttachmentPicker';
import { useUploads } from '../attachments/useUploads';
import { Button } from '../design';
import { ReplyToTicketDocument, type TicketStatus, type ViewerFragment } from '../gql/graphql';
import { fieldErrors, friendlyMessage } from '../lib/errors';
import { newMutationId } from '../lib/mutation-id';
import { addReplyToTicket } from './cache-updates';
import { OPTIMISTIC_PREFIX } from './conversation';
import { MESSAGE_MAX } from './status';

interface ReplyFormProps {
  ticket: { id: string; status: TicketStatus; updatedAt: string; closedAt: string | null };
  viewer: ViewerFragment;
}

let optimisticSeq = 0;

/** Sends a reply; it shows at once (optimistic) and is replaced by the real one. */
export function ReplyForm({ ticket, viewer }: ReplyFormProps) {
  const id = useId();
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [reply, { loading }] = useMutation(ReplyToTicketDocument);
  const files = useUploads();
  // Sending the same words again after a failure reuses their id, so a reply that did arrive is not doubled.
  const attempt = useRef<{ message: string; id: string } | null>(null);
  const isAdmin = viewer.role === 'SUPERADMIN';
  const closed = ticket.status === 'CLOSED';

  async function send() {
    const message = text.trim();
    if (!message) {
      setError(t('reply.missing'));
      return;
    }
    if (message.length > MESSAGE_MAX) {
      setError(`Keep the message to ${MESSAGE_MAX.toLocaleString('en-GB')} characters or fewer.`);
      return;
    }
    if (files.busy) {
      setError(t('attachments.wait'));
      return;
    }
    setError(null);
    setText('');
    const attachmentIds = files.ids;
    const attemptKey = `${message}\0${attachmentIds.join()}`;
    if (attempt.current?.message !== attemptKey) attempt.current = { message: attemptKey, id: newMutationId() };
    const clientMutationId = attempt.current.id;
    const now = new Date().toISOString();
    try {
      await reply({
        variables: { input: { ticketId: ticket.id, message, attachmentIds, clientMutationId } },
        optimisticResponse: {
          replyToTicket: {
            __typename: 'SupportReply',
            id: `${OPTIMISTIC_PREFIX}${Date.now()}-${++optimisticSeq}`,
            ticketId: ticket.id,
            message,
            isAdmin,
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
      attempt.current = null;
      files.clear();
    } catch (err) {
      setText((current) => current || message);
      setError(fieldErrors(err).message ?? friendlyMessage(err));
    }
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    void send();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void send();
    }
  }

  return (
    <DropZone onFiles={files.add}>
      <form className="reply-form" onSubmit={onSubmit} aria-label={t('reply.label')}>
        <label className="field__label" htmlFor={id}>
          {t('reply.yourReply')}
        </label>
        <textarea
          id={id}
          name="reply"
          className="field__control reply-form__input"
          rows={3}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (error) setError(null);
          }}
          onKeyDown={onKeyDown}
          placeholder={t(isAdmin ? 'reply.placeholderAdmin' : 'reply.placeholderCustomer')}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        />
        {error && (
          <span className="field__error" id={`${id}-error`} role="alert">
            {error}
          </span>
        )}
        <AttachmentPicker uploads={files.uploads} onFiles={files.add} onRemove={files.remove} />
        <div className="reply-form__bar">
          <span className="field__hint" id={`${id}-hint`}>
            {t(closed ? 'reply.closedHint' : 'reply.shortcut')}
          </span>
          <Button type="submit" loading={loading && !text} disabled={!text.trim() || files.busy}>
            {t('reply.send')}
          </Button>
        </div>
      </form>
    </DropZone>
  );
}
