import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';

@Injectable()
export class HealthService {
  constructor(private readonly db: DataSource) {}

  async ready(): Promise<{ status: 'ready'; database: 'ok' }> {
    try {
      await this.db.query('SELECT 1');
    } catch {
      throw new DomainError('service_unavailable', 'The database is not reachable.');
    }
    return { status: 'ready', database: 'ok' };
  }
}
