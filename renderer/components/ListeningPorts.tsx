import type { ListeningPort } from '../../shared/auth.js';

/** What the target listens on (from netstat / ss); candidates can be added to a profile. */
export function ListeningPorts({
  ports,
  onAdd,
  added,
}: {
  ports: readonly ListeningPort[];
  onAdd?: (p: ListeningPort) => void;
  added?: ReadonlySet<string>;
}) {
  if (ports.length === 0) return null;
  const sorted = [...ports].sort((a, b) => Number(b.candidate) - Number(a.candidate) || a.port - b.port);
  return (
    <section className="panel" aria-labelledby="listen-h">
      <h2 id="listen-h">Listening ports on the target</h2>
      <p className="small muted">Ports not in the discovery profile are candidates for its custom TCP/UDP discovery ports.</p>
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Listening ports</caption>
          <thead>
            <tr>
              <th scope="col">Protocol</th>
              <th scope="col">Address</th>
              <th scope="col">Port</th>
              <th scope="col">Process</th>
              <th scope="col">In profile</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((p) => {
              const key = `${p.protocol.startsWith('udp') ? 'udp' : 'tcp'}:${p.port}`;
              const isAdded = added?.has(key) ?? false;
              return (
                <tr key={`${p.protocol}-${p.address}-${p.port}`}>
                  <td>{p.protocol}</td>
                  <td className="mono">{p.address}</td>
                  <td className="mono">{p.port}</td>
                  <td>{p.process ?? '—'}</td>
                  <td>{p.candidate ? 'no — candidate' : 'yes'}</td>
                  <td>
                    {p.candidate && onAdd ? (
                      <button
                        type="button"
                        className="small"
                        disabled={isAdded}
                        onClick={() => onAdd(p)}
                        aria-label={`Add ${p.protocol.startsWith('udp') ? 'UDP' : 'TCP'} port ${p.port} to the profile`}
                      >
                        {isAdded ? 'Added' : 'Add to profile'}
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
