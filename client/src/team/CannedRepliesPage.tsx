import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from '@apollo/client/react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { CANNED_REPLY_VARIABLES, MAX_CANNED_TITLE_LENGTH, MAX_MESSAGE_LENGTH } from '../../../server/contract';
import { unknownVariables } from '../../../server/team/canned-variables';
import { Alert, Button, Card, EmptyState, Field, RelativeTime, TextAreaField } from '../design';
import { CannedRepliesDocument, DeleteCannedReplyDocument, SaveCannedReplyDocument, type CannedReplyFieldsFragment } from '../gql/graphql';
import { intlLocale } from '../i18n';
import { fieldErrors, friendlyMessage } from '../lib/errors';
import { useTitle } from '../lib/useTitle';
import { ListSkeleton } from '../support/MyTicketsPage';

const VARIABLES = CANNED_REPLY_VARIABLES.map((name) => `{{${name}}}`);
const byTitle = (a: CannedReplyFieldsFragment, b: CannedReplyFieldsFragment) =>
  a.title.localeCompare(b.title, undefined, { sensitivity: 'base' }) || (a.id < b.id ? -1 : 1);

/** The Lex team's canned replies (docs/architecture.md §8): list, create, edit, delete. */
export default function CannedRepliesPage() {
  const { t } = useTranslation();
  useTitle(t('cannedPage.title'));
  const { data, error, refetch } = useQuery(CannedRepliesDocument);
  const [editing, setEditing] = useState<CannedReplyFieldsFragment | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const head = useRef<HTMLDivElement>(null);
  const replies = data ? [...data.cannedReplies].sort(byTitle) : undefined;

  const closeForm = (message?: string) => {
    setEditing(null);
    if (message) setNotice(message);
    // the form's buttons are gone: the focus goes back to "New canned reply"
    requestAnimationFrame(() => head.current?.querySelector('button')?.focus());
  };

  return (
    <div className="page page--narrow">
      <nav className="crumbs" aria-label={t('common.breadcrumb')}>
        <Link to="/admin/support">{t('ticket.backAdmin')}</Link>
      </nav>
      <div className="page-head" ref={head}>
        <div>
          <h1 className="page-title">{t('cannedPage.title')}</h1>
          <p className="page-subtitle">{t('cannedPage.subtitle')}</p>
        </div>
        {editing === null && (
          <Button
            onClick={() => {
              setNotice(null);
              setEditing('new');
            }}
          >
            {t('cannedPage.new')}
          </Button>
        )}
      </div>
      {notice && (
        <Alert tone="success" onDismiss={() => setNotice(null)}>
          {notice}
        </Alert>
      )}
      {editing !== null && (
        <CannedReplyForm key={editing === 'new' ? 'new' : editing.id} reply={editing === 'new' ? null : editing} onDone={closeForm} />
      )}
      {error && !replies && (
        <Alert tone="error">
          {friendlyMessage(error)}{' '}
          <button type="button" className="link-button" onClick={() => void refetch()}>
            {t('common.tryAgain')}
          </button>
        </Alert>
      )}
      {!replies && !error && <ListSkeleton rows={2} />}
      {replies && replies.length === 0 && editing === null && (
        <Card padded={false}>
          <EmptyState title={t('cannedPage.emptyTitle')}>{t('cannedPage.emptyBody')}</EmptyState>
        </Card>
      )}
      {replies && replies.length > 0 && (
        <ul className="canned-list" aria-label={t('cannedPage.listLabel')}>
          {replies.map((reply) => (
            <CannedReplyItem
              key={reply.id}
              reply={reply}
              onEdit={() => {
                setNotice(null);
                setEditing(reply);
              }}
              onDeleted={() => closeForm(t('cannedPage.deleted', { title: reply.title }))}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

function CannedReplyItem({ reply, onEdit, onDeleted }: { reply: CannedReplyFieldsFragment; onEdit: () => void; onDeleted: () => void }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [remove, { loading }] = useMutation(DeleteCannedReplyDocument);

  async function confirmDelete() {
    setError(null);
    try {
      await remove({
        variables: { id: reply.id },
        update(cache) {
          cache.evict({ id: cache.identify(reply) });
          cache.gc();
        },
      });
      onDeleted();
    } catch (err) {
      setError(friendlyMessage(err));
    }
  }

  return (
    <li className="canned-item card" data-testid="canned-reply">
      <div className="canned-item__main">
        <h2 className="canned-item__title">{reply.title}</h2>
        <p className="canned-item__body">{reply.body}</p>
        <span className="canned-item__time">
          <RelativeTime iso={reply.updatedAt} prefix={t('cannedPage.updated')} />
        </span>
      </div>
      {confirming ? (
        <div className="canned-item__confirm" role="group" aria-label={t('cannedPage.confirmDelete', { title: reply.title })}>
          <span>{t('cannedPage.confirmDelete', { title: reply.title })}</span>
          <div className="canned-item__actions">
            <Button variant="secondary" small onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </Button>
            <Button variant="danger" small loading={loading} onClick={() => void confirmDelete()}>
              {t('cannedPage.delete')}
            </Button>
          </div>
        </div>
      ) : (
        <div className="canned-item__actions">
          <Button variant="secondary" small onClick={onEdit} aria-label={t('cannedPage.editNamed', { title: reply.title })}>
            {t('cannedPage.edit')}
          </Button>
          <Button
            variant="danger"
            small
            onClick={() => setConfirming(true)}
            aria-label={t('cannedPage.deleteNamed', { title: reply.title })}
          >
            {t('cannedPage.delete')}
          </Button>
        </div>
      )}
      {error && (
        <span className="field__error" role="alert">
          {error}
        </span>
      )}
    </li>
  );
}

interface FormErrors {
  title?: string;
  body?: string;
  form?: string;
}

/** What is wrong with a title and body before the server is asked, in the app's language. */
function validate(title: string, body: string, t: TFunction): FormErrors {
  const errors: FormErrors = {};
  const max = (n: number) => n.toLocaleString(intlLocale());
  if (!title.trim()) errors.title = t('cannedPage.titleMissing');
  else if (title.trim().length > MAX_CANNED_TITLE_LENGTH) errors.title = t('errors.input.title', { max: max(MAX_CANNED_TITLE_LENGTH) });
  const unknown = unknownVariables(body);
  if (!body.trim()) errors.body = t('cannedPage.bodyMissing');
  else if (body.trim().length > MAX_MESSAGE_LENGTH) errors.body = t('errors.input.body', { max: max(MAX_MESSAGE_LENGTH) });
  else if (unknown.length) {
    errors.body = t('cannedPage.unknownVariables', {
      count: unknown.length,
      names: unknown.map((name) => `{{${name}}}`).join(', '),
      known: VARIABLES.join(', '),
    });
  }
  return errors;
}

function CannedReplyForm({ reply, onDone }: { reply: CannedReplyFieldsFragment | null; onDone: (message?: string) => void }) {
  const { t } = useTranslation();
  const [title, setTitle] = useState(reply?.title ?? '');
  const [body, setBody] = useState(reply?.body ?? '');
  const [errors, setErrors] = useState<FormErrors>({});
  const [save, { loading }] = useMutation(SaveCannedReplyDocument);
  const bodyRef = useRef<HTMLTextAreaElement>(null);

  function insertVariable(variable: string) {
    const box = bodyRef.current;
    const start = box?.selectionStart ?? body.length;
    const end = box?.selectionEnd ?? body.length;
    setBody(body.slice(0, start) + variable + body.slice(end));
    if (errors.body) setErrors({ ...errors, body: undefined });
    requestAnimationFrame(() => {
      box?.focus();
      box?.setSelectionRange(start + variable.length, start + variable.length);
    });
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const found = validate(title, body, t);
    setErrors(found);
    if (found.title || found.body) {
      // the first field in error takes the focus, so its message is read with it
      e.currentTarget.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    try {
      await save({
        variables: { input: { ...(reply ? { id: reply.id } : {}), title: title.trim(), body: body.trim() } },
        update(cache, { data }) {
          const saved = data?.saveCannedReply;
          if (!saved || reply) return;
          cache.updateQuery({ query: CannedRepliesDocument }, (list) =>
            list ? { cannedReplies: [...list.cannedReplies.filter((r) => r.id !== saved.id), saved] } : undefined,
          );
        },
      });
      onDone(t(reply ? 'cannedPage.saved' : 'cannedPage.created', { title: title.trim() }));
    } catch (err) {
      const fields = fieldErrors(err);
      setErrors({ title: fields.title, body: fields.body, form: fields.title || fields.body ? undefined : friendlyMessage(err) });
    }
  }

  return (
    <Card as="section" aria-labelledby="canned-form-title">
      <form className="canned-form" onSubmit={(e) => void onSubmit(e)} noValidate>
        <h2 id="canned-form-title" className="canned-form__title">
          {t(reply ? 'cannedPage.editTitle' : 'cannedPage.newTitle')}
        </h2>
        {errors.form && <Alert tone="error">{errors.form}</Alert>}
        <Field
          label={t('cannedPage.titleLabel')}
          value={title}
          maxLength={MAX_CANNED_TITLE_LENGTH}
          showCounter
          hint={t('cannedPage.titleHint')}
          error={errors.title}
          // the form opens on a click on "New" or "Edit": typing starts here
          // eslint-disable-next-line jsx-a11y/no-autofocus
          autoFocus
          onChange={(e) => {
            setTitle(e.target.value);
            if (errors.title) setErrors({ ...errors, title: undefined });
          }}
        />
        <TextAreaField
          ref={bodyRef}
          label={t('cannedPage.bodyLabel')}
          value={body}
          rows={6}
          hint={t('cannedPage.bodyHint')}
          error={errors.body}
          onChange={(e) => {
            setBody(e.target.value);
            if (errors.body) setErrors({ ...errors, body: undefined });
          }}
        />
        <div className="canned-form__variables" role="group" aria-label={t('cannedPage.variables')}>
          <span className="canned-form__variables-label" aria-hidden="true">
            {t('cannedPage.variables')}
          </span>
          {VARIABLES.map((variable) => (
            <button
              key={variable}
              type="button"
              className="chip"
              onClick={() => insertVariable(variable)}
              aria-label={t('cannedPage.insertVariable', { variable })}
            >
              {variable}
            </button>
          ))}
        </div>
        <div className="form-actions">
          <Button variant="secondary" onClick={() => onDone()}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={loading}>
            {t('cannedPage.save')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
