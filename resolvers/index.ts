import { adminResolvers } from './admin.js';

/** Every area's resolvers; makeExecutableSchema merges them like the SDL files in schema/. */
export const resolvers = [adminResolvers];
