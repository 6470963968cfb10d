import { GraphiQL, GraphiQLProps } from 'graphiql';
import 'graphiql/graphiql.css';
import { buildSchema } from 'graphql';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import sdl from '../../../schemas/graphql/schema.graphql';
import { session } from './api';
import { h, replace } from './dom';

/**
 * GraphiQL for people who write their own queries. Its schema is the printed public contract
 * (schemas/graphql/schema.graphql, kept equal to the served schema by a test), bundled here, so
 * docs and completion work while the server keeps introspection off outside development.
 */
const schema = buildSchema(sdl);
const root = document.getElementById('graphiql')!;

const fetcher: GraphiQLProps['fetcher'] = async (params) => {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${session.token() ?? ''}` },
    body: JSON.stringify(params),
  });
  return (await res.json()) as Awaited<ReturnType<GraphiQLProps['fetcher']>>;
};

function mount(): void {
  root.replaceChildren();
  createRoot(root).render(
    createElement(GraphiQL, {
      fetcher,
      schema,
      defaultQuery:
        '# Your token is sent in the Authorization header.\n{\n  me {\n    username\n    memberships { role team { id name } }\n  }\n}\n',
    }),
  );
}

function signIn(): void {
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'off', required: true });
  replace(
    root,
    h(
      'main',
      { class: 'signin' },
      h('h1', {}, 'GraphiQL'),
      h(
        'form',
        {
          onsubmit: (e: Event) => {
            e.preventDefault();
            session.signIn(input.value.trim());
            mount();
          },
        },
        h('label', { for: 'token' }, 'Personal access token'),
        input,
        h('button', { type: 'submit' }, 'Sign in'),
      ),
    ),
  );
}

if (session.token()) mount();
else signIn();
