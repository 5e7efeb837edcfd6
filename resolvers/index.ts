import { adminResolvers } from './admin.js';
import { artifactResolvers } from './artifacts.js';
import { askResolvers } from './ask.js';
import { dashboardResolvers } from './dashboard.js';
import { eventResolvers } from './events.js';
import { graphResolvers } from './graph.js';
import { jobResolvers } from './jobs.js';
import { ragResolvers } from './rag.js';
import { researchResolvers } from './research.js';

/** Every area's resolvers; makeExecutableSchema merges them like the SDL files in schema/. */
export const resolvers = [
  adminResolvers,
  jobResolvers,
  eventResolvers,
  researchResolvers,
  ragResolvers,
  askResolvers,
  artifactResolvers,
  graphResolvers,
  dashboardResolvers,
];
