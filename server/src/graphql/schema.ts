/**
 * The plugin's GraphQL types and fields: SPEC "Front-end API", the REST answers with their keys in
 * camelCase. `JSON` and `Long` are the scalars Strapi's GraphQL plugin defines. The root fields are
 * nullable, so a refusal nulls only its own field, never the rest of the site's query.
 */
export const typeDefs = /* GraphQL */ `
  """A chat token for the logged-in user: what GET /api/imbachat/token answers."""
  type ImbachatToken {
    token: String!
    userId: Int!
    "Unix seconds."
    expiresAt: Long!
    widgetId: String!
    scriptUrl: String!
    options: JSON!
  }

  """The widget for visitors who are not logged in. With guest mode off: guests false and nothing else (the other fields null)."""
  type ImbachatWidget {
    guests: Boolean!
    widgetId: String
    scriptUrl: String
    options: JSON
  }

  """A dialog token for "Write message": what POST /api/imbachat/dialog answers. status 0 opens at once, 1 waits for the other user."""
  type ImbachatDialog {
    token: String!
    userId: Int!
    status: Int!
    "Unix seconds."
    expiresAt: Long!
  }

  type Query {
    "A chat token for the user whose users-permissions JWT is in the Authorization header."
    imbachatToken: ImbachatToken
    "The widget's address and load options, for anyone."
    imbachatWidget: ImbachatWidget
  }

  type Mutation {
    "A dialog token from the logged-in user to the user userId."
    imbachatDialog(userId: ID!): ImbachatDialog
  }
`;

/** Fields answered without any Users & Permissions permission, as the REST routes are (`auth: false`). */
export const resolversConfig = {
  'Query.imbachatToken': { auth: false },
  'Query.imbachatWidget': { auth: false },
  'Mutation.imbachatDialog': { auth: false },
} as const;
