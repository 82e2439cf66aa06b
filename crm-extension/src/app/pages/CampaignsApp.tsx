import { useState } from 'react';
import { CampaignPage } from './campaign/CampaignPage.js';
import type { PollTiming } from './campaign/live-stats.js';
import { CampaignsHome } from './home/CampaignsHome.js';
import { CampaignWizard } from './wizard/CampaignWizard.js';

/**
 * What the app home page shows. Navigation is this small piece of state rather than createPageRouter: the router
 * is for the 'pages' location (URL paths), while this page lives at 'home', and a state keeps every view renderable
 * on its own in tests. Going back to the list re-reads it.
 */
export type AppView =
  | { readonly kind: 'list' }
  | { readonly kind: 'wizard' }
  | { readonly kind: 'campaign'; readonly id: string };

export function CampaignsApp({
  initial = { kind: 'list' },
  timing,
}: {
  initial?: AppView;
  timing?: PollTiming;
}) {
  const [view, setView] = useState<AppView>(initial);
  const list = () => setView({ kind: 'list' });
  const open = (id: string) => setView({ kind: 'campaign', id });
  switch (view.kind) {
    case 'list':
      return <CampaignsHome onCreate={() => setView({ kind: 'wizard' })} onOpen={open} />;
    case 'wizard':
      return <CampaignWizard onDone={open} onCancel={list} />;
    case 'campaign':
      return <CampaignPage campaignId={view.id} onBack={list} {...(timing ? { timing } : {})} />;
  }
}
