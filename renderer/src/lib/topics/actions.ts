// The destructive topic actions, worded once for the topics list and the topic page.
import { call } from '../api/index.js';

export type TopicAction = 'delete' | 'purge';

export interface ActionSpec {
  title: string;
  message: string;
  action: string;
  confirmText?: string;
  run: () => Promise<string>;
}

export function topicAction(conn: string, topic: string, kind: TopicAction): ActionSpec {
  if (kind === 'delete') {
    return {
      title: `Delete topic ${topic}?`,
      message: 'The topic and all its records are deleted for every client. This cannot be undone.',
      action: 'Delete topic',
      confirmText: topic,
      run: async () => {
        await call('deleteTopic', conn, topic);
        return `Topic ${topic} deleted.`;
      },
    };
  }
  return {
    title: `Purge topic ${topic}?`,
    message: "Every record now in the topic is deleted (DeleteRecords up to each partition's high watermark). The topic, its configs and the groups' committed offsets stay.",
    action: 'Purge records',
    run: async () => {
      await call('purgeTopic', conn, topic);
      return `Topic ${topic} purged.`;
    },
  };
}
