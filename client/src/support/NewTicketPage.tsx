import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useMutation } from '@apollo/client/react';
import { AttachmentPicker, DropZone } from '../attachments/AttachmentPicker';
import { useUploads } from '../attachments/useUploads';
import { newMutationId } from '../lib/mutation-id';
import { Alert, Button, Card, ConfirmDialog, Field, Select, TextAreaField } from '../design';
import { CreateTicketDocument, type TicketCategory } from '../gql/graphql';
import { fieldErrors, friendlyMessage } from '../lib/errors';
import { useTitle } from '../lib/useTitle';
import { useViewer } from '../auth/session';
import { clearDraft, draftKey, isEmptyDraft, useDraft } from '../drafts/drafts';
import { i18n, intlLocale } from '../i18n';
import { applyTicketToMyTickets } from './cache-updates';
import { CATEGORIES, categoryLabel, isCategory, MESSAGE_MAX, SUBJECT_MAX } from './status';

export interface NewTicketValues {
  subject: string;
  category: string;
  message: string;
}

/** Client-side checks mirroring the server's; the server remains the judge. Messages in the app's language. */
export function validateNewTicket(v: NewTicketValues): Record<string, string> {
  const { t } = i18n;
  const max = (n: number) => ({ max: n.toLocaleString(intlLocale()) });
  const errors: Record<string, string> = {};
  if (!v.subject.trim()) errors.subject = t('newTicket.subjectMissing');
  else if (v.subject.trim().length > SUBJECT_MAX) errors.subject = t('newTicket.subjectTooLong', max(SUBJECT_MAX));
  if (!isCategory(v.category)) errors.category = t('newTicket.categoryMissing');
  if (!v.message.trim()) errors.message = t('newTicket.messageMissing');
  else if (v.message.trim().length > MESSAGE_MAX) errors.message = t('newTicket.messageTooLong', max(MESSAGE_MAX));
  return errors;
}

export function NewTicketPage() {
  const { t } = useTranslation();
  useTitle(t('newTicket.title'));
  const navigate = useNavigate();
  // Kept until the ticket is made or the customer discards it (docs/architecture.md, "Drafts").
  const key = draftKey(useViewer().id, 'new-ticket');
  const [values, setValues] = useDraft<NewTicketValues>(key, { subject: '', category: '', message: '' });
  const [confirming, setConfirming] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [createTicket, { loading }] = useMutation(CreateTicketDocument);
  const files = useUploads();
  // One id per submit of these values: a double click or a retry after a timeout makes one ticket.
  const [submitId, setSubmitId] = useState(newMutationId);

  const set = (key: keyof NewTicketValues) => (value: string) => {
    setValues((v) => ({ ...v, [key]: value }));
    setSubmitId(newMutationId());
    if (errors[key]) setErrors((e) => ({ ...e, [key]: '' }));
  };

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setFormError(null);
    const local = validateNewTicket(values);
    setErrors(local);
    if (files.busy) {
      setFormError(t('attachments.wait'));
      return;
    }
    if (Object.keys(local).length > 0) {
      const first = e.currentTarget.querySelector<HTMLElement>('[aria-invalid="true"]');
      first?.focus();
      return;
    }
    try {
      const result = await createTicket({
        variables: {
          input: {
            subject: values.subject.trim(),
            category: values.category as TicketCategory,
            message: values.message.trim(),
            attachmentIds: files.ids,
            clientMutationId: submitId,
          },
        },
        update(cache, { data }) {
          if (data?.createTicket) applyTicketToMyTickets(cache, data.createTicket);
        },
      });
      const ticket = result.data?.createTicket;
      if (ticket) {
        clearDraft(key);
        navigate(`/support/${ticket.id}`, { state: { created: ticket.ticketNumber } });
      }
    } catch (err) {
      const byField = fieldErrors(err);
      const { '': general, ...fields } = byField;
      if (Object.keys(fields).length > 0) setErrors(fields);
      setFormError(Object.keys(fields).length > 0 ? (general ?? null) : friendlyMessage(err));
    }
  }

  return (
    <div className="page page--narrow">
      <nav className="crumbs" aria-label={t('common.breadcrumb')}>
        <Link to="/support">{t('newTicket.back')}</Link>
      </nav>
      <div className="page-head">
        <div>
          <h1 className="page-title">{t('newTicket.title')}</h1>
          <p className="page-subtitle">{t('newTicket.subtitle')}</p>
        </div>
      </div>
      <Card as="section">
        <DropZone onFiles={files.add}>
          <form className="stack" onSubmit={onSubmit} noValidate aria-label={t('newTicket.title')}>
            {formError && <Alert tone="error">{formError}</Alert>}
            <Field
              label={t('newTicket.subject')}
              name="subject"
              value={values.subject}
              maxLength={SUBJECT_MAX}
              showCounter
              onChange={(e) => set('subject')(e.target.value)}
              error={errors.subject || undefined}
              placeholder={t('newTicket.subjectPlaceholder')}
              required
            />
            <Select
              label={t('newTicket.category')}
              name="category"
              value={values.category}
              onChange={(e) => set('category')(e.target.value)}
              options={CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c) }))}
              placeholder={t('newTicket.categoryPlaceholder')}
              error={errors.category || undefined}
              required
            />
            <TextAreaField
              label={t('newTicket.message')}
              name="message"
              rows={7}
              value={values.message}
              onChange={(e) => set('message')(e.target.value)}
              error={errors.message || undefined}
              hint={t('newTicket.messageHint')}
              maxChars={MESSAGE_MAX}
              required
            />
            <AttachmentPicker uploads={files.uploads} onFiles={files.add} onRemove={files.remove} />
            <div className="form-actions">
              <Link
                to="/support"
                className="btn btn--ghost"
                onClick={(e) => {
                  if (isEmptyDraft(values)) return;
                  e.preventDefault();
                  setConfirming(true);
                }}
              >
                {t('common.cancel')}
              </Link>
              <Button type="submit" loading={loading}>
                {t('newTicket.submit')}
              </Button>
            </div>
          </form>
        </DropZone>
      </Card>
      <ConfirmDialog
        open={confirming}
        title={t('newTicket.discardTitle')}
        body={t('newTicket.discardBody')}
        confirm={t('newTicket.discard')}
        cancel={t('newTicket.keepEditing')}
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          clearDraft(key);
          navigate('/support');
        }}
      />
    </div>
  );
}
