// The console's sections, in the order of its navigation. A section whose admin API is
// instance-wide (providers, models, targets) is listed for the instance's admins only.
import type { ComponentType } from 'react';
import type { AdminKey } from './admin-text.js';
import { AuditSection } from './audit-section.js';
import { InvitationsSection } from './invitations-section.js';
import { KeysSection } from './keys-section.js';
import { OrgSection } from './org-section.js';
import { ProvidersSection } from './providers-section.js';
import { QuotasSection } from './quotas-section.js';
import { SsoSection } from './sso-section.js';
import { TeamsSection } from './teams-section.js';
import { UsageSection } from './usage-section.js';
import { UsersSection } from './users-section.js';

/** What a section knows about who is looking. */
export interface SectionProps {
  /** The signed-in user's id. */
  selfId: string;
  /** Owner or admin of the default organisation. */
  instanceAdmin: boolean;
}

/** One entry of the console's navigation. */
export interface AdminSection {
  id: string;
  label: AdminKey;
  instanceOnly: boolean;
  Component: ComponentType<SectionProps>;
}

/** Every section. */
export const adminSections: readonly AdminSection[] = [
  { id: 'users', label: 'sectionUsers', instanceOnly: false, Component: UsersSection },
  { id: 'teams', label: 'sectionTeams', instanceOnly: false, Component: TeamsSection },
  {
    id: 'invitations',
    label: 'sectionInvitations',
    instanceOnly: false,
    Component: InvitationsSection,
  },
  { id: 'organisation', label: 'sectionOrganisation', instanceOnly: false, Component: OrgSection },
  { id: 'sso', label: 'sectionSso', instanceOnly: false, Component: SsoSection },
  { id: 'providers', label: 'sectionProviders', instanceOnly: true, Component: ProvidersSection },
  { id: 'keys', label: 'sectionKeys', instanceOnly: false, Component: KeysSection },
  { id: 'quotas', label: 'sectionQuotas', instanceOnly: false, Component: QuotasSection },
  { id: 'usage', label: 'sectionUsage', instanceOnly: false, Component: UsageSection },
  { id: 'audit', label: 'sectionAudit', instanceOnly: false, Component: AuditSection },
];
