import { Button, Flex, Text } from '@hubspot/ui-extensions';
import { useState } from 'react';
import type { ApiCallError } from '../../lib/api-client.js';
import { useApi } from '../../lib/api-context.js';
import { ApiErrorAlert } from '../../lib/RemoteView.js';
import { asApiError } from '../../lib/remote-state.js';
import type { CallOutcome, ExportLinkAnswer } from '../../lib/shared.js';
import { createExportLink } from '../campaigns-api.js';
import { formatDateTime } from '../format.js';

/**
 * CSV export in two steps: a browser download carries no HubSpot signature, so the page first asks the signed API
 * for a short-lived link (5 minutes), then offers it as a link the browser opens itself.
 */
export function ExportButton({
  campaignId,
  outcome,
}: {
  campaignId: string;
  outcome: CallOutcome | undefined;
}) {
  const api = useApi();
  const [link, setLink] = useState<(ExportLinkAnswer & { outcome: CallOutcome | undefined }) | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiCallError | null>(null);

  const prepare = async () => {
    setPending(true);
    setError(null);
    try {
      setLink({ ...(await createExportLink(api, campaignId, outcome)), outcome });
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setPending(false);
    }
  };

  // A link made for another filter would download the wrong rows.
  const current = link !== null && link.outcome === outcome ? link : null;
  return (
    <Flex direction="column" gap="extra-small">
      {current ? (
        <Flex direction="row" gap="small" align="center">
          <Button variant="primary" href={{ url: current.url, external: true }}>
            Download CSV
          </Button>
          <Text variant="microcopy">{`Link valid until ${formatDateTime(current.expiresAt)}`}</Text>
        </Flex>
      ) : (
        <Button variant="secondary" disabled={pending} onClick={() => void prepare()}>
          {pending ? 'Preparing export…' : 'Export CSV'}
        </Button>
      )}
      {error ? <ApiErrorAlert error={error} /> : null}
    </Flex>
  );
}
