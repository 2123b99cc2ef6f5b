import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { Observable } from 'rxjs';
import { ReplyForm } from '../../client/src/support/ReplyForm';
import { newMutationId } from '../../client/src/lib/mutation-id';

describe('newMutationId', () => {
  it('makes distinct UUID v4 strings', () => {
    const ids = new Set(Array.from({ length: 1000 }, newMutationId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('ReplyForm retries', () => {
  it('sends the same clientMutationId when the same words are sent again after a failure', async () => {
    const sent: { clientMutationId: string; message: string }[] = [];
    // The first attempt fails in transit; the second succeeds.
    const link = new ApolloLink((operation) => {
      sent.push(operation.variables.input);
      return new Observable((observer) => {
        if (sent.length === 1) {
          observer.error(new Error('network down'));
          return;
        }
        observer.next({
          data: {
            replyToTicket: {
              __typename: 'SupportReply',
              id: 'r1',
              ticketId: 't1',
              message: operation.variables.input.message,
              isAdmin: false,
              isInternal: false,
              senderName: 'Ann',
              createdAt: new Date().toISOString(),
              ticket: {
                __typename: 'SupportTicket',
                id: 't1',
                status: 'OPEN',
                updatedAt: new Date().toISOString(),
                closedAt: null,
                assignee: null,
              },
            },
          },
        });
        observer.complete();
      });
    });
    const client = new ApolloClient({ link, cache: new InMemoryCache() });
    render(
      <ApolloProvider client={client}>
        <ReplyForm
          ticket={{ id: 't1', status: 'OPEN', updatedAt: new Date().toISOString(), closedAt: null }}
          viewer={{ __typename: 'User', id: 'u1', name: 'Ann', email: 'ann@example.com', role: 'CUSTOMER', tenant: null } as never}
        />
      </ApolloProvider>,
    );
    const box = screen.getByLabelText('Your reply');
    fireEvent.change(box, { target: { value: 'Is there any news?' } });
    fireEvent.submit(box.closest('form')!);
    // The failed words come back into the box; sending them again is a retry of the same reply.
    await waitFor(() => expect((box as HTMLTextAreaElement).value).toBe('Is there any news?'));
    fireEvent.submit(box.closest('form')!);
    await waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1].clientMutationId).toBe(sent[0].clientMutationId);

    // A new message gets a new id.
    await waitFor(() => expect((box as HTMLTextAreaElement).value).toBe(''));
    fireEvent.change(box, { target: { value: 'Thanks!' } });
    fireEvent.submit(box.closest('form')!);
    await waitFor(() => expect(sent).toHaveLength(3));
    expect(sent[2].clientMutationId).not.toBe(sent[0].clientMutationId);
  });
});
