import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { useTranslation } from 'react-i18next';
import { Button, Select } from '../design';
import { AssignTicketDocument, TeamMembersDocument, type TeamMemberFragment } from '../gql/graphql';
import { friendlyMessage } from '../lib/errors';
import { useAnnounce } from '../shell/announcer';

interface AssigneePickerProps {
  ticketId: string;
  assignee: TeamMemberFragment | null;
  viewer: { id: string; name: string };
}

/**
 * Who on the Lex team owns the ticket (docs/architecture.md §8): any team member, nobody, or "me" in
 * one click. A colleague's change arrives live (ticketUpdated) and is announced; one's own is not.
 */
export function AssigneePicker({ ticketId, assignee, viewer }: AssigneePickerProps) {
  const { t } = useTranslation();
  const announce = useAnnounce();
  const members = useQuery(TeamMembersDocument);
  const [assign, { loading }] = useMutation(AssignTicketDocument);
  const [error, setError] = useState<string | null>(null);
  const root = useRef<HTMLDivElement>(null);

  const expected = useRef<string | null>(assignee?.id ?? null);
  useEffect(() => {
    const now = assignee?.id ?? null;
    if (now === expected.current) return;
    expected.current = now;
    announce(assignee ? t('assign.nowAssigned', { name: assignee.name }) : t('assign.nowUnassigned'));
  }, [assignee, announce, t]);

  async function choose(member: TeamMemberFragment | null) {
    setError(null);
    expected.current = member?.id ?? null;
    try {
      await assign({
        variables: { id: ticketId, assigneeId: member?.id ?? null },
        optimisticResponse: { assignTicket: { __typename: 'SupportTicket', id: ticketId, assignee: member } },
      });
    } catch (err) {
      expected.current = assignee?.id ?? null;
      setError(friendlyMessage(err));
    }
  }

  const list = members.data?.teamMembers ?? [];
  // the current assignee shows even before the team's list has loaded
  const people = assignee && !list.some((m) => m.id === assignee.id) ? [assignee, ...list] : list;
  const nameOf = (m: TeamMemberFragment) => (m.id === viewer.id ? t('assign.you', { name: m.name }) : m.name);
  return (
    <div className="assignee" data-testid="assignee" ref={root}>
      <Select
        label={t('assign.label')}
        value={assignee?.id ?? ''}
        disabled={loading}
        error={error ?? undefined}
        onChange={(e) => void choose(people.find((m) => m.id === e.target.value) ?? null)}
        options={[{ value: '', label: t('assign.unassigned') }, ...people.map((m) => ({ value: m.id, label: nameOf(m) }))]}
      />
      {assignee?.id !== viewer.id && (
        <Button
          variant="secondary"
          small
          className="assignee__me"
          disabled={loading}
          onClick={() => {
            // the button goes once the ticket is yours: the focus goes to the choice it made
            root.current?.querySelector('select')?.focus();
            void choose({ __typename: 'User', id: viewer.id, name: viewer.name });
          }}
        >
          {t('assign.toMe')}
        </Button>
      )}
    </div>
  );
}
