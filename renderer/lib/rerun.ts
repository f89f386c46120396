/**
 * "Re-run with this profile": adds ports to the diagnosis' profile (a built-in one is copied to
 * `<name>-custom` first, by the profiles store), switches the diagnosis form to that profile and
 * runs the diagnosis again. Returns the profile used, or null when saving failed (the profiles
 * store shows why).
 */
import { diagnosisActions } from '../stores/diagnosisStore.js';
import { profilesActions } from '../stores/profilesStore.js';

export async function addPortsToProfile(profile: string, ports: { tcp?: readonly number[]; udp?: readonly number[] }): Promise<string | null> {
  let name: string | null = profile;
  for (const port of ports.tcp ?? []) name = name ? await profilesActions.addPort(name, 'tcp', port) : null;
  for (const port of ports.udp ?? []) name = name ? await profilesActions.addPort(name, 'udp', port) : null;
  if (name) diagnosisActions.setForm({ profile: name });
  return name;
}

export async function rerunWithPorts(profile: string, ports: { tcp?: readonly number[]; udp?: readonly number[] }): Promise<void> {
  const name = await addPortsToProfile(profile, ports);
  if (name) await diagnosisActions.start();
}
