import { useEffect, useRef } from 'react';
import type { HostKeyInfo } from '../../shared/auth.js';

/** First contact: the operator must accept the key explicitly. A changed key is a hard stop. */
export function HostKeyPrompt({
  host,
  hostKey,
  onAccept,
  onReject,
}: {
  host: string;
  hostKey: HostKeyInfo;
  /** Not needed for a changed key: there is nothing to accept. */
  onAccept?: () => void;
  onReject?: () => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  // The check is waiting on the operator: bring the question into view and focus it
  // (the box, not the accept button, so a stray Enter does not trust a key).
  useEffect(() => {
    box.current?.scrollIntoView({ block: 'center' });
    box.current?.focus();
  }, [hostKey.fingerprint]);
  if (hostKey.status === 'changed') {
    return (
      <div className="banner error" role="alert" data-testid="host-key-changed" ref={box} tabIndex={-1}>
        <strong>Stopped: the host key of {host} has CHANGED.</strong>
        <p>
          Known key: <code>{hostKey.knownFingerprint ?? 'unknown'}</code>
          <br />
          Key offered now: <code>{hostKey.fingerprint}</code> ({hostKey.algorithm})
        </p>
        <p>
          No password or key was sent. Either the server was reinstalled or someone is intercepting the connection. Confirm the new
          fingerprint with the server&apos;s administrator before trusting it.
        </p>
      </div>
    );
  }
  return (
    <div
      className="banner warn"
      role="alertdialog"
      aria-labelledby="hk-title"
      aria-describedby="hk-desc"
      data-testid="host-key-prompt"
      ref={box}
      tabIndex={-1}
    >
      <strong id="hk-title">First contact with {host}: trust this host key?</strong>
      <p id="hk-desc">
        {hostKey.algorithm} key fingerprint <code>{hostKey.fingerprint}</code>. Compare it with the server&apos;s own (
        <code>ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub</code>) before accepting. Nothing secret has been sent yet.
      </p>
      <div className="row">
        <button type="button" className="primary" onClick={onAccept}>
          Trust this key and continue
        </button>
        <button type="button" onClick={onReject}>
          Do not trust — stop
        </button>
      </div>
    </div>
  );
}
