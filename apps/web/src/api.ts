import { Client, createClient } from 'graphql-ws';

const TOKEN_KEY = 'usage-analytics.token';

/** A refusal or failure as the API said it: its code (FORBIDDEN, CONFLICT…) and message. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** The personal access token lives in this tab's sessionStorage only: never in a URL or a cookie. */
export const session = {
  token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  signIn(token: string): void {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  signOut(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    void live?.dispose();
    live = undefined;
  },
};

interface GraphQLAnswer<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${session.token() ?? ''}` },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await res.json()) as GraphQLAnswer<T>;
  if (answer.errors?.length) {
    const [first] = answer.errors;
    throw new ApiError(first.message, first.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
  }
  if (!answer.data) throw new ApiError(`HTTP ${res.status}`, 'INTERNAL_SERVER_ERROR');
  return answer.data;
}

/** A REST download (CSV) with the token in the header, saved through an object URL. */
export async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(path, { headers: { Authorization: `Bearer ${session.token() ?? ''}` } });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
    throw new ApiError(body.error?.message ?? `HTTP ${res.status}`, body.error?.code ?? 'ERROR');
  }
  saveBlob(await res.blob(), filename);
}

export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

let live: Client | undefined;

/** One graphql-ws connection per signed-in tab, authenticated in its connection parameters. */
export function subscribe<T>(
  query: string,
  variables: Record<string, unknown>,
  onData: (data: T) => void,
  onError: (error: ApiError) => void,
): () => void {
  live ??= createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: () => ({ authorization: `Bearer ${session.token() ?? ''}` }),
    lazy: true,
  });
  return live.subscribe<T>(
    { query, variables },
    {
      next: (message) => {
        if (message.data) onData(message.data);
        else if (message.errors?.length) onError(new ApiError(message.errors[0].message, 'LIVE'));
      },
      error: () => onError(new ApiError('live updates stopped', 'LIVE')),
      complete: () => undefined,
    },
  );
}
