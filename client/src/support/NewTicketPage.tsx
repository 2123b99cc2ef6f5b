import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation } from '@apollo/client/react';
import { newMutationId } from '../lib/mutation-id';
import { Alert, Button, Card, Field, Select, TextAreaField } from '../design';
import { CreateTicketDocument, type TicketCategory } from '../gql/graphql';
import { fieldErrors, friendlyMessage } from '../lib/errors';
import { useTitle } from '../lib/useTitle';
import { applyTicketToMyTickets } from './cache-updates';
import { CATEGORIES, categoryLabel, isCategory, MESSAGE_MAX, SUBJECT_MAX } from './status';



export interface NewTicketValues {
  subject: string;
  category: string;
  message: string;
}

/** Client-side checks mirroring the server's; the server remains the judge. */
export function validateNewTicket(v: NewTicketValues): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!v.subject.trim()) errors.subject = 'Enter a subject.';
  else if (v.subject.trim().length > SUBJECT_MAX) errors.subject = `Keep the subject to ${SUBJECT_MAX} characters or fewer.`;
  if (!isCategory(v.category)) errors.category = 'Choose a category.';
  if (!v.message.trim()) errors.message = 'Describe your question or problem.';
  else if (v.message.trim().length > MESSAGE_MAX) errors.message = `Keep the message to ${MESSAGE_MAX.toLocaleString('en-GB')} characters or fewer.`;
  return errors;
}

export function NewTicketPage() {
  useTitle('New ticket');
  const navigate = useNavigate();
  const [values, setValues] = useState<NewTicketValues>({ subject: '', category: '', message: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [createTicket, { loading }] = useMutation(CreateTicketDocument);
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
            clientMutationId: submitId,
          },
        },
        update(cache, { data }) {
          if (data?.createTicket) applyTicketToMyTickets(cache, data.createTicket);
        },
      });
      const ticket = result.data?.createTicket;
      if (ticket) {
        navigate(`/support/${ticket.id}`, { state: { created: ticket.ticketNumber } });
      }
    } catch (err) {
      const byField = fieldErrors(err);
      const { '': general, ...fields } = byField;
      if (Object.keys(fields).length > 0) setErrors(fields);
      setFormError(Object.keys(fields).length > 0 ? general ?? null : friendlyMessage(err));
    }
  }

  return (
    <div className="page page--narrow">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/support">← All tickets</Link>
      </nav>
      <div className="page-head">
        <div>
          <h1 className="page-title">New ticket</h1>
          <p className="page-subtitle">Tell us what you need; the Lex team will answer in the conversation.</p>
        </div>
      </div>
      <Card as="section">
        <form className="stack" onSubmit={onSubmit} noValidate aria-label="New ticket">
          {formError && <Alert tone="error">{formError}</Alert>}
          <Field
            label="Subject"
            name="subject"
            value={values.subject}
            maxLength={SUBJECT_MAX}
            showCounter
            onChange={(e) => set('subject')(e.target.value)}
            error={errors.subject || undefined}
            placeholder="e.g. Exporting a contract to PDF fails"
            required
          />
          <Select
            label="Category"
            name="category"
            value={values.category}
            onChange={(e) => set('category')(e.target.value)}
            options={CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c) }))}
            placeholder="Choose a category"
            error={errors.category || undefined}
            required
          />
          <TextAreaField
            label="Message"
            name="message"
            rows={7}
            value={values.message}
            onChange={(e) => set('message')(e.target.value)}
            error={errors.message || undefined}
            hint="What were you doing, what did you expect, and what happened instead?"
            required
          />
          <div className="form-actions">
            <Link to="/support" className="btn btn--ghost">
              Cancel
            </Link>
            <Button type="submit" loading={loading}>
              Create ticket
            </Button>
          </div>
        </form>
      </Card>
    </div>
  );
}
