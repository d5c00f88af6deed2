// Models for the web UI: what can be chosen, and (owners and admins) the catalog and downloads.
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { catalog, catalogFileName } from '../../../engine/catalog.js';
import { listLocalModels } from '../../../engine/local-models.js';
import { notFound } from '../../../lib/errors.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { PullJobs, type PullJob, type PullJobState } from '../../model-pull-jobs.js';
import { modelsDir } from '../../runtime.js';
import { noModelHint } from '../v1/models.js';
import { parseBody } from '../../../lib/parse-body.js';
import { requireInstanceAdminUser, requireUser } from './session-hooks.js';

const pullBody = z.object({ id: z.string().min(1).max(200) });

/** GET /api/models, GET /api/models/catalog, POST /api/models/pull, GET /api/models/pull/:jobId. */
export function modelRoutes(app: FastifyInstance, context: ServerContext): void {
  const directory = modelsDir(context.settings.dataDir);
  const jobs = new PullJobs({
    modelsDir: directory,
    onInstalled: (file) => context.gateway.addLocalModel(file),
  });
  app.addHook('onClose', async () => jobs.close());

  // Only the models the user may use (the organisation's model access rules); the hint only
  // when the server serves none at all.
  app.get('/api/models', async (request) => {
    const user = requireUser(request);
    const routes = context.gateway.listModels();
    const allowed = await context.governance.core.allowedModels({ userId: user.id }, routes);
    const models = allowed.map((route) => ({
      id: route.name,
      ...(route.aliasOf && { aliasOf: route.aliasOf }),
    }));
    return { models, ...(routes.length === 0 && { hint: noModelHint }) };
  });

  app.get('/api/models/catalog', async (request) => {
    requireInstanceAdminUser(request);
    const present = new Set(
      (await listLocalModels(directory)).map((model) => path.basename(model.path)),
    );
    const entries = catalog.map((entry) => ({
      id: entry.id,
      name: entry.name,
      description: entry.description,
      sizeBytes: entry.sizeBytes,
      downloaded: present.has(catalogFileName(entry)),
    }));
    return { entries };
  });

  app.post('/api/models/pull', async (request, reply) => {
    requireInstanceAdminUser(request);
    const { id } = parseBody(pullBody, request.body);
    const job = jobs.start(id);
    await audit(request, context, {
      action: 'model.pull_started',
      orgId: null,
      targetType: 'model',
      targetId: id,
      details: { jobId: job.id },
    });
    return reply.code(202).send({ jobId: job.id });
  });

  app.get<{ Params: { jobId: string } }>('/api/models/pull/:jobId', async (request, reply) => {
    requireInstanceAdminUser(request);
    const job = jobs.get(request.params.jobId);
    if (!job) throw notFound('No such download (finished ones are kept 10 minutes).');
    reply.hijack();
    followJob(job, reply.raw);
  });
}

// Writes the job's state as SSE until it ends or the client goes: the latest progress at once
// (a follower arriving late still sees where it stands), then every update.
function followJob(job: PullJob, response: ServerResponse): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no', // nginx would otherwise hold the events back
  });
  const send = (event: string, data: object) =>
    response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const onUpdate = (state: PullJobState) => {
    send('progress', { bytes: state.bytes, totalBytes: state.totalBytes });
    if (state.status === 'running') return;
    if (state.status === 'done') send('done', { modelId: state.modelId });
    else send('error', { message: state.error });
    stop();
    response.end();
  };
  const stop = () => {
    job.off('update', onUpdate);
    response.off('close', stop);
  };
  job.on('update', onUpdate);
  response.on('close', stop); // the client left: the download goes on without it
  onUpdate(job.state);
}
