// The shape of salon.yaml (DESIGN.md, "Contracts"). Provider types are checked by hand
// before zod so that an unknown type gets a message naming the valid ones.
import { z } from 'zod';

/** Provider types Salon can talk to. */
export const providerTypes = ['openai', 'llama'] as const;

/** A provider type name. */
export type ProviderType = (typeof providerTypes)[number];

const openaiProvider = z.strictObject({
  type: z.literal('openai'),
  base_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  api_key: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  /** Seconds to wait for the upstream's response headers. */
  timeout: z.number().positive().optional(),
});

const llamaProvider = z.strictObject({
  type: z.literal('llama'),
  model_path: z.string().min(1),
  context_size: z.number().int().positive().optional(),
  sequences: z.number().int().min(1).max(64).optional(),
  threads: z.number().int().min(1).optional(),
  gpu: z.union([z.literal('auto'), z.literal(false)]).optional(),
});

/** One provider entry under `providers:`. */
export const providerSchema = z.discriminatedUnion('type', [openaiProvider, llamaProvider]);

const targetSchema = z.strictObject({
  provider: z.string().min(1),
  model: z.string().min(1).optional(),
  weight: z.number().positive().optional(),
});

const modelSchema = z.strictObject({
  name: z.string().min(1),
  targets: z.array(targetSchema).min(1),
  fallbacks: z.array(z.string().min(1)).optional(),
});

/** The whole salon.yaml. */
export const configSchema = z.strictObject({
  providers: z.record(z.string(), providerSchema).default({}),
  models: z.array(modelSchema).default([]),
});

/** salon.yaml after validation. */
export type SalonConfig = z.infer<typeof configSchema>;
/** One validated provider entry. */
export type ProviderConfig = z.infer<typeof providerSchema>;
/** A provider entry of type `openai`. */
export type OpenAIProviderConfig = z.infer<typeof openaiProvider>;
/** A provider entry of type `llama`. */
export type LlamaProviderConfig = z.infer<typeof llamaProvider>;
/** One model entry under `models:`. */
export type ModelConfig = z.infer<typeof modelSchema>;
/** One target of a model. */
export type TargetConfig = z.infer<typeof targetSchema>;
