import type { ClientOptions } from 'graphql-ws';
import { createApollo } from '../../client/src/apollo';
import { MeDocument } from '../../client/src/gql/graphql';
import { getLiveState } from '../../client/src/lib/live-state';

// The real graphql-ws client is replaced by a recorder of the options the app gives it.
const mockCreated: { options?: ClientOptions; terminate: jest.Mock } = { terminate: jest.fn() };
jest.mock('graphql-ws', () => ({
  ...jest.requireActual('graphql-ws'),
  createClient: (options: ClientOptions) => {
    mockCreated.options = options;
    return { terminate: mockCreated.terminate, dispose: jest.fn(), subscribe: jest.fn(() => () => {}), on: jest.fn(), iterate: jest.fn() };
  },
}));

function events() {
  const on = mockCreated.options!.on!;
  return {
    connected: () => (on.connected as (s: unknown, p: unknown, r: boolean) => void)({}, undefined, false),
    closed: (code: number) => (on.closed as (e: unknown) => void)({ code, reason: '' }),
  };
}

describe('live connection', () => {
  it('talks graphql-ws to /graphql on the same origin, lazily, retrying forever', () => {
    createApollo();
    const options = mockCreated.options!;
    expect(options.url).toBe(`ws://${window.location.host}/graphql`);
    expect(options.lazy).toBe(true);
    expect(options.retryAttempts).toBe(Infinity);
    expect(options.connectionParams).toBeUndefined(); // the session cookie authenticates the socket
  });

  it('refetches every active query when the socket comes back, not on the first connect', () => {
    const { client } = createApollo();
    const refetch = jest
      .spyOn(client, 'refetchQueries')
      .mockImplementation(() => Object.assign(Promise.resolve([]), { queries: [], results: [] }) as never);
    const ws = events();
    ws.connected();
    expect(refetch).not.toHaveBeenCalled();
    expect(getLiveState()).toBe('connected');

    ws.closed(1006);
    expect(getLiveState()).toBe('reconnecting');
    ws.connected();
    expect(refetch).toHaveBeenCalledTimes(1);
    expect(refetch).toHaveBeenCalledWith({ include: 'active' });
    expect(getLiveState()).toBe('connected');
  });

  it('asks again who is signed in when the server ends the session on the socket', () => {
    const { client } = createApollo();
    const refetch = jest
      .spyOn(client, 'refetchQueries')
      .mockImplementation(() => Object.assign(Promise.resolve([]), { queries: [], results: [] }) as never);
    const ws = events();
    ws.connected();
    ws.closed(4403);
    expect(refetch).toHaveBeenCalledWith({ include: [MeDocument] });
    expect(getLiveState()).toBe('idle');
  });

  it('restarts the socket after sign-in and sign-out so it carries the new cookie', () => {
    const { restartSocket } = createApollo();
    mockCreated.terminate.mockClear();
    restartSocket();
    expect(mockCreated.terminate).toHaveBeenCalledTimes(1);
  });
});
